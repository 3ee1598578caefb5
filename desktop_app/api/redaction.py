"""Masking of secrets in anything that may be logged or shown.

Masking works two ways because neither is enough alone: known secret values (client secret,
passwords, tokens we hold) are replaced wherever they appear, and shapes that are always
secret (bearer headers, JWTs, ``client_secret=``/``"password":`` fields) are masked even when
we never saw the value, e.g. in a server's echo or an exception's text.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

MASK = "•••"

_SHAPES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]+"), r"\1 " + MASK),
    (re.compile(r"\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*"), MASK),
    (
        re.compile(r"(?i)((?:client_secret|password|access_token|refresh_token|token)=)[^&\s\"']+"),
        r"\1" + MASK,
    ),
    (
        re.compile(
            r"(?i)(\"(?:client_secret|password|access_token|token)\"\s*:\s*\")(?:[^\"\\]|\\.)*\""
        ),
        r"\1" + MASK + '"',
    ),
    (
        re.compile(
            r"(?i)(ep-account-management-authentication-token['\"]?\s*[:=]\s*['\"]?)[^\s'\",}]+"
        ),
        r"\1" + MASK,
    ),
)
_MIN_SECRET_LENGTH = 4  # shorter values would mask ordinary words


def redact_shapes(text: str) -> str:
    for pattern, replacement in _SHAPES:
        text = pattern.sub(replacement, text)
    return text


class Redactor:
    """Remembers secret values for the life of a connection and masks them in text."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        self._lock = threading.Lock()
        self._secrets: set[str] = set()
        self.add(*secrets)

    def add(self, *secrets: str | None) -> None:
        with self._lock:
            self._secrets.update(s for s in secrets if s and len(s) >= _MIN_SECRET_LENGTH)

    def __call__(self, text: str) -> str:
        with self._lock:
            known = sorted(self._secrets, key=len, reverse=True)
        for secret in known:
            text = text.replace(secret, MASK)
        return redact_shapes(text)
