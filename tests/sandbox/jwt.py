"""Decode a JWT's parts for assertions; verifying the HMAC is the sandbox's job, not the test's."""

from __future__ import annotations

import base64
import json
from typing import Any


def decode_part(token: str, index: int) -> dict[str, Any]:
    part = token.split(".")[index]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return decoded


def claims(token: str) -> dict[str, Any]:
    return decode_part(token, 1)
