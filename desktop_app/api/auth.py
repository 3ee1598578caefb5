"""Store bearer tokens: fetched once, reused until a minute before they expire.

Both grants are cached side by side: shopper login uses the implicit token (the documented
pairing) while realm administration needs client_credentials.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from desktop_app.api.connection import ConnectionConfig
from desktop_app.api.error_mapping import error_for
from desktop_app.api.errors import BadResponse, ClientAuthenticationError, ConfigurationError
from desktop_app.api.models import AccessToken
from desktop_app.api.transport import Transport

CLIENT_CREDENTIALS = "client_credentials"
IMPLICIT = "implicit"

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def parse_access_token(document: Any, grant_type: str, now: datetime) -> AccessToken:
    """The SDK and CLI read a flat reply; the OpenAPI spec wraps it in ``data``: take both."""
    if isinstance(document, dict) and isinstance(document.get("data"), dict):
        document = document["data"]
    if not isinstance(document, dict):
        raise BadResponse("The store's sign-in reply was not a JSON object.")
    token = document.get("access_token")
    if not isinstance(token, str) or not token:
        raise BadResponse("The store's sign-in reply had no access token.")
    expires_at: datetime | None = None
    expires = document.get("expires")
    if isinstance(expires, int | float) and not isinstance(expires, bool):
        try:
            expires_at = datetime.fromtimestamp(expires, UTC)
        except (OverflowError, OSError, ValueError):
            expires_at = None
    if expires_at is None:
        expires_in = document.get("expires_in")
        seconds = expires_in if isinstance(expires_in, int | float) else 3600
        if isinstance(seconds, bool) or seconds <= 0 or seconds > 10 * 365 * 86400:
            seconds = 3600
        expires_at = now + timedelta(seconds=seconds)
    identifier = document.get("identifier")
    return AccessToken(
        token=token,
        grant_type=identifier if isinstance(identifier, str) and identifier else grant_type,
        expires_at=expires_at,
    )


class TokenProvider:
    """Hands out bearer tokens for a connection, refreshing them before they lapse."""

    def __init__(self, config: ConnectionConfig, transport: Transport, clock: Clock = utc_now):
        self._config = config
        self._transport = transport
        self._clock = clock
        self._lock = threading.Lock()
        self._cache: dict[str, AccessToken] = {}

    def bearer(
        self, grant_type: str, cancelled: threading.Event | None = None
    ) -> tuple[AccessToken, bool]:
        """Return a fresh token and whether it was issued just now (a 401 then is final)."""
        with self._lock:
            cached = self._cache.get(grant_type)
            if cached is not None and cached.is_fresh(self._clock()):
                return cached, False
            token = self._authenticate(grant_type, cancelled)
            self._cache[grant_type] = token
            return token, True

    def invalidate(self, grant_type: str) -> None:
        with self._lock:
            self._cache.pop(grant_type, None)

    def _authenticate(self, grant_type: str, cancelled: threading.Event | None) -> AccessToken:
        form = {"grant_type": grant_type, "client_id": self._config.client_id}
        if grant_type == CLIENT_CREDENTIALS:
            if not self._config.client_secret:
                raise ConfigurationError(
                    "This needs the connection's client secret, and none is set. "
                    "Add it in the connection settings."
                )
            form["client_secret"] = self._config.client_secret
        reply = self._transport.send("POST", "/oauth/access_token", form=form, cancelled=cancelled)
        if not reply.ok:
            which = (
                "client ID or client secret" if grant_type == CLIENT_CREDENTIALS else "client ID"
            )
            message = (
                f"The store did not accept this connection's {which}. "
                "Check them in the connection settings."
            )
            raise error_for(
                reply,
                {
                    400: (ClientAuthenticationError, message),
                    401: (ClientAuthenticationError, message),
                    403: (ClientAuthenticationError, message),
                    404: (
                        ClientAuthenticationError,
                        "This address does not look like a Commerce API: it has no sign-in "
                        "endpoint. Check the store URL.",
                    ),
                },
            )
        token = parse_access_token(reply.json(), grant_type, self._clock())
        self._transport.redact.add(token.token)
        return token
