"""The activity log's Qt-free half: log records → masked, structured rows; a masking formatter.

``desktop_app.api``'s transport logs one line per HTTP exchange. Its records are already masked
by the connection's redactor; everything here masks again (known values *and* secret shapes),
so a future log call that forgets cannot leak a secret into the activity table or the log file.

Fields are read from the record's structured data, never by parsing the rendered text: an
``activity`` mapping when the record carries one (``extra={"activity": {...}}``), otherwise the
``args`` of the transport's three message templates below.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from desktop_app.api.redaction import Redactor

__all__ = [
    "CANCELLED_TEMPLATE",
    "FAILED_TEMPLATE",
    "LOG_FORMAT",
    "REPLY_TEMPLATE",
    "ActivityEntry",
    "MaskingFormatter",
    "entry_from_record",
    "outcome_for_status",
]

# The exact format strings of desktop_app/api/transport.py (tests guard against drift).
REPLY_TEMPLATE = "%s %s -> %s in %.0f ms (request %s)"  # method, path, status, ms, request id
CANCELLED_TEMPLATE = "%s %s cancelled after %.0f ms"  # method, path, ms
FAILED_TEMPLATE = "%s %s failed after %.0f ms: %s"  # method, path, ms, masked error text

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

NETWORK_FAILURE = "Network failure"
CANCELLED = "Cancelled"

_STATUS_WORDS: dict[int, str] = {
    200: "OK",
    201: "Created",
    202: "Accepted",
    204: "Done, nothing to return",
    304: "Not modified",
    400: "Rejected as invalid",
    401: "Not accepted",
    403: "Not allowed",
    404: "Not found",
    405: "Not supported",
    409: "Already exists",
    413: "Too large",
    422: "Rejected as invalid",
    429: "Too many requests",
    500: "Store error",
    502: "Store unreachable (bad gateway)",
    503: "Store busy",
    504: "Store timed out",
}


def outcome_for_status(status: int) -> str:
    """Plain words for an HTTP status: ``201`` → ``Created``, ``401`` → ``Not accepted``."""
    if status in _STATUS_WORDS:
        return _STATUS_WORDS[status]
    if 200 <= status < 300:
        return "OK"
    if 300 <= status < 400:
        return "Redirected"
    if 400 <= status < 500:
        return "Refused by the store"
    if status >= 500:
        return "Store error"
    return f"HTTP {status}"


@dataclass(frozen=True)
class ActivityEntry:
    """One row of the activity log; every text field is already masked."""

    time: datetime  # local, aware
    level: int
    method: str
    path: str
    status: int | None
    elapsed_ms: float | None
    request_id: str | None
    outcome: str
    message: str  # the whole masked line, for a tooltip or a file

    @property
    def failed(self) -> bool:
        if self.status is not None:
            return self.status >= 400
        return self.outcome != CANCELLED and self.level >= logging.WARNING


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _status(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return None


def _path(value: Any, redact: Callable[[str], str]) -> str:
    """Percent-decoded for reading (``page[limit]``, not ``page%5Blimit%5D``), then masked."""
    return redact(unquote(str(value)))


def _request_id(value: Any, redact: Callable[[str], str]) -> str | None:
    if value is None:
        return None
    text = str(value)
    return None if text in ("", "-") else redact(text)


def _rendered(record: logging.LogRecord, redact: Callable[[str], str]) -> str:
    try:
        text = record.getMessage()
    except Exception:  # a malformed record must not break the log: show its template
        text = str(record.msg)
    return redact(text)


def entry_from_record(
    record: logging.LogRecord, redact: Callable[[str], str] | None = None
) -> ActivityEntry:
    """Structured, masked fields of ``record``; any other record becomes a message-only row."""
    mask: Callable[[str], str] = redact if redact is not None else Redactor()
    message = _rendered(record, mask)
    when = datetime.fromtimestamp(record.created).astimezone()
    base: dict[str, Any] = {
        "time": when,
        "level": record.levelno,
        "method": "",
        "path": "",
        "status": None,
        "elapsed_ms": None,
        "request_id": None,
        "message": message,
    }
    structured = getattr(record, "activity", None)
    if isinstance(structured, Mapping):
        return _from_mapping(structured, base, mask, message)
    args = record.args if isinstance(record.args, tuple) else ()
    if record.msg == REPLY_TEMPLATE and len(args) == 5:
        method, path, status, elapsed, request_id = args
        code = _status(status)
        return ActivityEntry(
            **base
            | {
                "method": mask(str(method)),
                "path": _path(path, mask),
                "status": code,
                "elapsed_ms": _number(elapsed),
                "request_id": _request_id(request_id, mask),
                "outcome": outcome_for_status(code) if code is not None else message,
            }
        )
    if record.msg == CANCELLED_TEMPLATE and len(args) == 3:
        method, path, elapsed = args
        return ActivityEntry(
            **base
            | {
                "method": mask(str(method)),
                "path": _path(path, mask),
                "elapsed_ms": _number(elapsed),
                "outcome": CANCELLED,
            }
        )
    if record.msg == FAILED_TEMPLATE and len(args) == 4:
        method, path, elapsed, _error = args
        return ActivityEntry(
            **base
            | {
                "method": mask(str(method)),
                "path": _path(path, mask),
                "elapsed_ms": _number(elapsed),
                "outcome": NETWORK_FAILURE,
            }
        )
    return ActivityEntry(**base | {"outcome": message})


def _from_mapping(
    data: Mapping[str, Any], base: dict[str, Any], mask: Callable[[str], str], message: str
) -> ActivityEntry:
    """The proposed ``extra={"activity": {...}}`` shape: method, path, status, elapsed_ms,
    request_id and ``result`` (``"reply"``, ``"cancelled"`` or ``"failed"``)."""
    code = _status(data.get("status"))
    result = data.get("result")
    if result == "cancelled":
        outcome = CANCELLED
    elif result == "failed":
        outcome = NETWORK_FAILURE
    elif code is not None:
        outcome = outcome_for_status(code)
    else:
        outcome = message
    return ActivityEntry(
        **base
        | {
            "method": mask(str(data.get("method") or "")),
            "path": _path(data.get("path") or "", mask),
            "status": code,
            "elapsed_ms": _number(data.get("elapsed_ms")),
            "request_id": _request_id(data.get("request_id"), mask),
            "outcome": outcome,
        }
    )


class MaskingFormatter(logging.Formatter):
    """A Formatter whose every line (tracebacks included) goes through a redactor last."""

    def __init__(self, redact: Callable[[str], str] | None = None, fmt: str = LOG_FORMAT) -> None:
        super().__init__(fmt)
        self.redact: Callable[[str], str] = redact if redact is not None else Redactor()

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(super().format(record))
