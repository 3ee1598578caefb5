"""Using an account token (commerce-api.md §2): ask the store who it belongs to.

``GET /v2/account-members`` with the ``EP-Account-Management-Authentication-Token`` header and
the implicit bearer answers with the token's own member (``data[0]``), which is the cheap check
epcc-cli uses. ``GET /v2/accounts/{id}`` reads the token's account.

This module is imported by the UI for :data:`ACCOUNT_TOKEN_HEADER` and the copy helpers, so at
import time it loads only models and errors — never ``requests`` (the window paints first).
"""

from __future__ import annotations

import shlex
import threading
from typing import TYPE_CHECKING, Any

from desktop_app.api.errors import ApiError, BadResponse, NotFound, PermissionDenied
from desktop_app.api.models import AccountSummary, AccountToken, VerifiedMember

if TYPE_CHECKING:
    from desktop_app.api.client import CommerceClient
    from desktop_app.api.error_mapping import StatusWording

__all__ = [
    "ACCOUNT_TOKEN_HEADER",
    "BEARER_PLACEHOLDER",
    "TokenRejected",
    "curl_command",
    "fetch_account",
    "header_line",
    "verify_account_token",
]

ACCOUNT_TOKEN_HEADER = "EP-Account-Management-Authentication-Token"
BEARER_PLACEHOLDER = "$EPCC_BEARER_TOKEN"
"""What copied commands carry instead of a store bearer: the epcc-cli variable name."""


class TokenRejected(ApiError):
    """The store refused the account token itself (401 with a fresh bearer)."""

    default_message = (
        "This account token was not accepted: it has expired, was revoked, or belongs to "
        "another store."
    )


_MEMBERS_WORDING: StatusWording = {
    401: (TokenRejected, None),
    403: (
        PermissionDenied,
        "This connection is not allowed to check account tokens. Check the API key's role.",
    ),
    404: (
        NotFound,
        "The store could not find the member this account token belongs to: the shopper may "
        "have been removed from the store.",
    ),
}

_ACCOUNT_WORDING: StatusWording = {
    401: (TokenRejected, None),
    403: (
        PermissionDenied,
        "This account token is not allowed to read that account: it was issued for a "
        "different account.",
    ),
    404: (NotFound, "That account no longer exists in the store."),
}


def _jwt(token: AccountToken | str) -> str:
    text = token.token if isinstance(token, AccountToken) else token
    return text.strip()


def header_line(token: AccountToken | str) -> str:
    """``EP-Account-Management-Authentication-Token: <jwt>``, ready to paste into a tool."""
    return f"{ACCOUNT_TOKEN_HEADER}: {_jwt(token)}"


def curl_command(base_url: str, token: AccountToken | str) -> str:
    """A curl command for ``GET /v2/account-members`` acting as ``token``.

    The bearer is the shell variable :data:`BEARER_PLACEHOLDER`, never a real store bearer or
    client secret: what goes to the clipboard holds only the account token the user chose.
    """
    url = base_url.rstrip("/") + "/v2/account-members"
    return (
        f"curl -sS {shlex.quote(url)} \\\n"
        f'  -H "Authorization: Bearer {BEARER_PLACEHOLDER}" \\\n'
        f"  -H {shlex.quote(header_line(token))}"
    )


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def verify_account_token(
    client: CommerceClient,
    token: AccountToken | str,
    cancelled: threading.Event | None = None,
) -> VerifiedMember:
    """Ask the store who ``token`` acts as; raises :class:`TokenRejected` when it refuses it.

    Blocking: run it on a worker. The token is registered with the client's redactor first, so
    even a store that echoes it back cannot put it into a log line or an error text.
    """
    # Imported here, not at the top: auth pulls in requests (see the module docstring).
    from desktop_app.api.auth import IMPLICIT

    jwt = _jwt(token)
    client.redact.add(jwt)
    reply = client.request(
        "GET",
        "/v2/account-members",
        grant=IMPLICIT,
        headers={ACCOUNT_TOKEN_HEADER: jwt},
        wording=_MEMBERS_WORDING,
        cancelled=cancelled,
    )
    data = client.document(reply).get("data")
    first = data[0] if isinstance(data, list) and data else None
    if not isinstance(first, dict) or not _text(first.get("id")):
        raise BadResponse(
            "The store accepted the account token but did not say which member it belongs to.",
            status=reply.status,
            request_id=reply.request_id,
        )
    return VerifiedMember(
        id=_text(first.get("id")), name=_text(first.get("name")), email=_text(first.get("email"))
    )


def fetch_account(
    client: CommerceClient,
    token: AccountToken,
    cancelled: threading.Event | None = None,
) -> AccountSummary:
    """Read the token's own account (``GET /v2/accounts/{account_id}``) acting as the token."""
    from desktop_app.api.auth import IMPLICIT

    jwt = _jwt(token)
    client.redact.add(jwt)
    reply = client.request(
        "GET",
        f"/v2/accounts/{token.account_id}",
        grant=IMPLICIT,
        headers={ACCOUNT_TOKEN_HEADER: jwt},
        wording=_ACCOUNT_WORDING,
        cancelled=cancelled,
    )
    data = client.document(reply).get("data")
    if not isinstance(data, dict) or not _text(data.get("id")):
        raise BadResponse(
            "The store's reply about the account had no account in it.",
            status=reply.status,
            request_id=reply.request_id,
        )
    return AccountSummary(
        id=_text(data.get("id")),
        name=_text(data.get("name")),
        legal_name=_text(data.get("legal_name")),
    )
