"""The token table's columns: their order and titles.

Kept apart from the model so the window can show the column titles before the model (and the
``Qt`` enums it needs) loads; see :meth:`TokenTablePanel.attach_model`.
"""

from __future__ import annotations

from enum import IntEnum

__all__ = ["TokenColumn"]


class TokenColumn(IntEnum):
    """Column order of the token table; the values are the model's column numbers."""

    ACCOUNT_NAME = 0
    ACCOUNT_ID = 1
    EXPIRES = 2
    TIME_LEFT = 3
    TOKEN = 4

    @property
    def title(self) -> str:
        return _TITLES[self]


_TITLES: dict[TokenColumn, str] = {
    TokenColumn.ACCOUNT_NAME: "Account name",
    TokenColumn.ACCOUNT_ID: "Account ID",
    TokenColumn.EXPIRES: "Expires",
    TokenColumn.TIME_LEFT: "Time left",
    TokenColumn.TOKEN: "Token",
}
