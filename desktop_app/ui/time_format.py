"""Human-readable times for the token table, kept free of Qt so they are unit-testable alone.

The table refreshes "Time left" every second for thousands of rows, so these helpers are small,
allocation-light and never raise: a formatting error inside ``data()`` would surface as an
exception in a Qt slot, which is far worse than an odd-looking cell.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

__all__ = ["EXPIRED_TEXT", "format_expiry_local", "format_expiry_utc_iso", "format_time_left"]

EXPIRED_TEXT = "Expired"

_MINUTE = 60
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR


def format_time_left(seconds: float) -> str:
    """Format a countdown compactly with its two most significant units.

    Examples: ``2 d 3 h``, ``23 h 59 min``, ``36 h``, ``4 min 12 s``, ``12 s``; ``Expired``
    for ≤ 0. Hours are used up to two days, so a fresh 24-hour token reads ``24 h``.
    The value is rounded *up* to whole seconds, as a countdown should be: a token with 0.3 s
    left is still valid, so it reads ``1 s`` rather than ``0 s``. A zero minor unit is dropped
    (``5 min``, not ``5 min 0 s``) to keep the column narrow.
    """
    if math.isnan(seconds):
        return "Unknown"
    if seconds <= 0:
        return EXPIRED_TEXT
    if math.isinf(seconds):
        return "Never"
    total = math.ceil(seconds)
    if total < _MINUTE:
        return f"{total} s"
    if total < _HOUR:
        return _two_units(total // _MINUTE, "min", total % _MINUTE, "s")
    if total < 2 * _DAY:  # account tokens live 24 h by default: "1 d" would hide the hours
        return _two_units(total // _HOUR, "h", (total % _HOUR) // _MINUTE, "min")
    return _two_units(total // _DAY, "d", (total % _DAY) // _HOUR, "h")


def _two_units(major: int, major_unit: str, minor: int, minor_unit: str) -> str:
    if minor == 0:
        return f"{major} {major_unit}"
    return f"{major} {major_unit} {minor} {minor_unit}"


def format_expiry_local(dt: datetime) -> str:
    """Show an instant in the machine's local zone: ``YYYY-MM-DD HH:MM:SS ZONE``.

    Support staff compare expiries with their own wall clock, so the table shows local time;
    the zone abbreviation makes screenshots shared across time zones unambiguous. A naive
    datetime is taken to be UTC, which is what the API layer always produces.
    """
    local = _as_utc(dt).astimezone()
    zone = local.tzname() or ""
    text = local.strftime("%Y-%m-%d %H:%M:%S")
    return f"{text} {zone}" if zone else text


def format_expiry_utc_iso(dt: datetime) -> str:
    """ISO 8601 in UTC with a ``Z`` suffix, for tooltips: the form the API and logs use."""
    return _as_utc(dt).isoformat(timespec="seconds").replace("+00:00", "Z")


def _as_utc(dt: datetime) -> datetime:
    if dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)
