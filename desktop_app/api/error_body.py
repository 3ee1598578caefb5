"""Reading whatever a failed reply carried: JSON:API errors, HTML from a proxy, or nothing."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

_MAX_DETAIL = 300  # an HTML page or a stack trace is not a detail to show a person


@dataclass(frozen=True)
class ErrorBody:
    title: str | None = None
    detail: str | None = None
    status: int | None = None
    request_id: str | None = None


def _as_text(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    text = " ".join(str(value).split())
    if not text:
        return None
    return text if len(text) <= _MAX_DETAIL else text[: _MAX_DETAIL - 1] + "…"


def _as_status(value: Any) -> int | None:
    """``status`` is a string in the specs and a number in the guides."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    return None


def parse_error_body(body: bytes, content_type: str | None) -> ErrorBody:
    """Never raises: an unreadable body just yields an empty ErrorBody."""
    if not body or not body.strip():
        return ErrorBody()
    if content_type and "html" in content_type.lower():
        return ErrorBody()
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: [[[[… nesting
        return ErrorBody()
    if not isinstance(document, dict):
        return ErrorBody()
    errors = document.get("errors")
    first: dict[str, Any] = {}
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        first = errors[0]
    elif isinstance(errors, dict):
        first = errors
    elif isinstance(document.get("error"), str | dict):  # OAuth-style {"error": …}
        err = document["error"]
        first = err if isinstance(err, dict) else {"title": err}
        first.setdefault("detail", document.get("error_description"))
    meta_value = first.get("meta")
    meta: dict[str, Any] = meta_value if isinstance(meta_value, dict) else {}
    return ErrorBody(
        title=_as_text(first.get("title")),
        detail=_as_text(first.get("detail")),
        status=_as_status(first.get("status")),
        request_id=_as_text(first.get("request_id") or meta.get("request_id")),
    )
