"""Decoding account tokens for display only.

We cannot verify the signature (the store keeps the key), so nothing here is trusted for
decisions; it exists so an agent can read who a token is for and when it ends, even when the
token is damaged — which is exactly when someone needs to look at it.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

_TIME_CLAIMS = ("exp", "iat", "nbf")


@dataclass(frozen=True)
class DecodedJwt:
    header: dict[str, Any] | None
    claims: dict[str, Any] | None
    problems: tuple[str, ...] = ()
    times: dict[str, datetime] = field(default_factory=dict)

    @property
    def expires_at(self) -> datetime | None:
        return self.times.get("exp")

    @property
    def issued_at(self) -> datetime | None:
        return self.times.get("iat")

    @property
    def account_member_id(self) -> str | None:
        return _text_claim(self.claims, "sub")

    @property
    def account_id(self) -> str | None:
        return _text_claim(self.claims, "scope")


def _text_claim(claims: dict[str, Any] | None, name: str) -> str | None:
    value = (claims or {}).get(name)
    return value if isinstance(value, str) else None


def _decode_segment(segment: str) -> dict[str, Any]:
    padded = segment + "=" * (-len(segment) % 4)
    raw = base64.urlsafe_b64decode(padded.encode("ascii"))
    value = json.loads(raw)
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value


def claim_time(value: Any) -> datetime | None:
    """Official examples show ``exp``/``iat`` both as epoch numbers and as ISO strings."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str):
        text = value.strip()
        try:
            if text.replace(".", "", 1).isdigit():
                return datetime.fromtimestamp(float(text), UTC)
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except (OverflowError, OSError, ValueError):
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def decode_for_display(token: str) -> DecodedJwt:
    """Never raises: what cannot be read is listed in ``problems``."""
    problems: list[str] = []
    parts = token.strip().split(".") if isinstance(token, str) else []
    if len(parts) != 3:
        problems.append(f"A JWT has 3 parts separated by dots; this token has {len(parts)}.")
    header: dict[str, Any] | None = None
    claims: dict[str, Any] | None = None
    for index, label in ((0, "header"), (1, "claims")):
        if index >= len(parts):
            problems.append(f"The {label} part is missing.")
            continue
        try:
            decoded = _decode_segment(parts[index])
        except (ValueError, binascii.Error, UnicodeError):
            problems.append(f"The {label} part is not readable base64url JSON.")
            continue
        if index == 0:
            header = decoded
        else:
            claims = decoded
    times: dict[str, datetime] = {}
    for name in _TIME_CLAIMS:
        if claims is None or name not in claims:
            continue
        when = claim_time(claims[name])
        if when is None:
            problems.append(f"The “{name}” claim is not a time.")
        else:
            times[name] = when
    return DecodedJwt(header=header, claims=claims, problems=tuple(problems), times=times)
