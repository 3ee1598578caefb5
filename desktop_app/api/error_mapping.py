"""From a failed reply to the typed error a person can act on.

Each operation may word a status its own way (a 401 on shopper login means the shopper's
password, not ours); everything else falls back to one generic wording per status.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from desktop_app.api.error_body import parse_error_body
from desktop_app.api.errors import (
    ApiError,
    BadResponse,
    ClientAuthenticationError,
    ConflictError,
    NotFound,
    PermissionDenied,
    RateLimited,
    ServerError,
    ValidationError,
)
from desktop_app.api.transport import Reply

# A wording's message may depend on the server's detail (e.g. which thing was not found).
Message = str | Callable[[str | None], str] | None
StatusWording = Mapping[int, tuple[type[ApiError], Message]]

_GENERIC: dict[int, type[ApiError]] = {
    400: ValidationError,
    401: ClientAuthenticationError,
    403: PermissionDenied,
    404: NotFound,
    409: ConflictError,
    422: ConflictError,
    429: RateLimited,
}


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After is either seconds or an HTTP date; anything else is ignored."""
    if not value:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():  # "²".isdigit() is True too
        seconds = float(text)
        return seconds if seconds != float("inf") else None  # 400 digits: no usable wait
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def error_for(reply: Reply, wording: StatusWording | None = None) -> ApiError:
    body = parse_error_body(reply.body, reply.content_type)
    request_id = reply.request_id or body.request_id
    status = reply.status
    kind: type[ApiError]
    message: str | None
    if wording and status in wording:
        kind, worded = wording[status]
        message = worded(body.detail or body.title) if callable(worded) else worded
    elif status in _GENERIC:
        kind, message = _GENERIC[status], None
    elif status >= 500:
        kind, message = ServerError, None
    else:
        kind, message = BadResponse, f"The store answered with an unexpected HTTP {status}."
    if kind is RateLimited:
        wait = retry_after_seconds(reply.headers.get("Retry-After"))
        if wait is not None and message is None:
            seconds = max(1, round(wait))
            message = (
                "The store is receiving too many requests. "
                f"Try again in {seconds} second{'s' * (seconds != 1)}."
            )
    if kind is ServerError and message is None:
        message = f"The store had a problem answering (HTTP {status}). Try again in a moment."
    return kind(message, status=status, detail=body.detail or body.title, request_id=request_id)
