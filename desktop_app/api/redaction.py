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
# Every match of a shape above contains one of these, lower-cased: in ASCII text without any of
# them there is nothing to mask, and ~10 substring tests replace five regex scans. Most lines
# are like "POST /v2/account-members/tokens?page… -> 200", which the activity log masks four
# times over; a 10,000-account login writes 100 of them.
_SHAPE_MARKERS = (
    "bearer",
    "eyj",
    "secret=",
    'secret"',
    "password=",
    'password"',
    "token=",
    'token"',
    "ep-account-management-authentication-token",
)
_MIN_SECRET_LENGTH = 4  # shorter values would mask ordinary words


def _may_hold_a_shape(text: str) -> bool:
    if not text.isascii():
        return True  # case-insensitive matching beyond ASCII (ſ is s): let the patterns judge
    lowered = text.lower()
    return any(marker in lowered for marker in _SHAPE_MARKERS)


def redact_shapes(text: str) -> str:
    if not _may_hold_a_shape(text):
        return text
    for pattern, replacement in _SHAPES:
        text = pattern.sub(replacement, text)
    return text


class Redactor:
    """Remembers secret values for the life of a connection and masks them in text."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        self._lock = threading.Lock()
        self._secrets: set[str] = set()
        self._longest_first: tuple[str, ...] = ()
        self.add(*secrets)

    def add(self, *secrets: str | None) -> None:
        with self._lock:
            self._secrets.update(s for s in secrets if s and len(s) >= _MIN_SECRET_LENGTH)
            # Longest first, so a secret containing another is masked whole.
            self._longest_first = tuple(sorted(self._secrets, key=len, reverse=True))

    def __call__(self, text: str) -> str:
        for secret in self._longest_first:  # a tuple: swapped whole by add, never changed
            text = text.replace(secret, MASK)
        return redact_shapes(text)
