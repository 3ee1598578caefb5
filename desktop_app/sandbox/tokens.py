"""Store bearer tokens and account-management JWTs, the two kinds of credential the API hands out.

Bearer tokens are opaque random strings remembered with their grant type and expiry, as a real
store's are. Account tokens are HS256 JWTs signed with a secret that lives only as long as the
sandbox instance: the app can decode them for display (as with a real store) while the sandbox
can still tell a forged or stale token from a good one. Only the standard library is used so
the sandbox needs no crypto dependency.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass
from enum import Enum
from typing import Any

GRANT_CLIENT_CREDENTIALS = "client_credentials"
GRANT_IMPLICIT = "implicit"

_JWT_HEADER = {"alg": "HS256", "typ": "JWT"}


@dataclass(frozen=True)
class BearerToken:
    """One issued access token."""

    token: str
    grant_type: str
    expires_at: int


class BearerProblem(Enum):
    """Why a bearer token was refused; each maps to its own 401 detail."""

    UNKNOWN = "unknown"
    EXPIRED = "expired"


class BearerTokens:
    """Issues and checks bearer tokens; thread-safe because every request thread consults it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokens: dict[str, BearerToken] = {}

    def issue(self, grant_type: str, lifetime_seconds: int) -> BearerToken:
        token = BearerToken(
            token=secrets.token_hex(20),
            grant_type=grant_type,
            expires_at=int(time.time()) + lifetime_seconds,
        )
        with self._lock:
            self._tokens[token.token] = token
        return token

    def check(self, token: str) -> BearerToken | BearerProblem:
        """The token's record if it is usable now, else the reason it is not."""
        with self._lock:
            found = self._tokens.get(token)
        if found is None:
            return BearerProblem.UNKNOWN
        if time.time() >= found.expires_at:
            return BearerProblem.EXPIRED
        return found

    def expire_all(self) -> None:
        """Make every token issued so far expired, so tests can drive the client's re-auth path."""
        past = int(time.time()) - 1
        with self._lock:
            self._tokens = {
                key: BearerToken(t.token, t.grant_type, min(t.expires_at, past))
                for key, t in self._tokens.items()
            }


class AccountTokenError(Exception):
    """An account-management token is malformed, forged or expired; the message says which."""


class AccountTokens:
    """Signs and verifies HS256 account-management JWTs with a per-instance secret."""

    def __init__(self, *, store_id: str, realm_id: str, lifetime_seconds: int) -> None:
        self._secret = secrets.token_bytes(32)
        self._store_id = store_id
        self._realm_id = realm_id
        self.lifetime_seconds = lifetime_seconds

    def sign(self, member_id: str, account_id: str, issued_at: int) -> str:
        payload = {
            "sub": member_id,
            "scope": account_id,
            "iat": issued_at,
            "exp": issued_at + self.lifetime_seconds,
            "realm_id": self._realm_id,
            "store_id": self._store_id,
        }
        signing_input = f"{_b64_json(_JWT_HEADER)}.{_b64_json(payload)}"
        return f"{signing_input}.{_b64(self._mac(signing_input))}"

    def verify(self, token: str) -> dict[str, Any]:
        """The claims of a token this sandbox signed and that has not expired."""
        parts = token.split(".")
        if len(parts) != 3:
            raise AccountTokenError(
                "account token is not a JWT (expected three dot-separated parts)"
            )
        try:
            signature = _unb64(parts[2])
            header = json.loads(_unb64(parts[0]))
            claims = json.loads(_unb64(parts[1]))
        except (binascii.Error, ValueError) as exc:
            raise AccountTokenError("account token is malformed (bad base64url or JSON)") from exc
        if not isinstance(header, dict) or header.get("alg") != "HS256":
            raise AccountTokenError("account token is not signed with HS256")
        if not hmac.compare_digest(signature, self._mac(f"{parts[0]}.{parts[1]}")):
            raise AccountTokenError("account token signature is invalid")
        if not isinstance(claims, dict) or not isinstance(claims.get("exp"), int):
            raise AccountTokenError("account token has no numeric exp claim")
        if time.time() >= claims["exp"]:
            raise AccountTokenError("account token has expired")
        return claims

    def _mac(self, signing_input: str) -> bytes:
        return hmac.new(self._secret, signing_input.encode("ascii"), hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64_json(value: dict[str, Any]) -> str:
    return _b64(json.dumps(value, separators=(",", ":")).encode("utf-8"))


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
