"""JSON:API wire shapes shared by every endpoint: errors, JSON replies, pages, timestamps.

Kept apart from the routes so that each endpoint reads as "what the API does", and so that the
error body — the part clients parse on every failure — is built in exactly one place.
"""

from __future__ import annotations

import json
import math
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wrappers import Response

JSON_MIMETYPE = "application/json"
DEFAULT_PAGE_LIMIT = 25
MAX_PAGE_LIMIT = 100
MAX_PAGE_OFFSET = 10_000

T = TypeVar("T")


class ApiError(Exception):
    """Raised anywhere in a request; becomes a JSON:API error reply with this status."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers or {}


def title_for(status: int) -> str:
    return HTTP_STATUS_CODES.get(status, "Error")


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON reply carrying a fresh X-Request-ID, as every real API reply does."""
    response = Response(
        json.dumps(body, separators=(",", ":")), status=status, mimetype=JSON_MIMETYPE
    )
    response.headers["X-Request-ID"] = str(uuid.uuid4())
    response.headers.update(headers or {})
    return response


def error_response(status: int, detail: str, headers: dict[str, str] | None = None) -> Response:
    """The documented error body; ``status`` is a string, as in the API specs."""
    body = {"errors": [{"status": str(status), "title": title_for(status), "detail": detail}]}
    return json_response(body, status, headers)


def rfc3339(epoch: float) -> str:
    """UTC with milliseconds and a Z, the format of the API's ``expires`` and ``created_at``."""
    moment = datetime.fromtimestamp(epoch, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass(frozen=True)
class PageRequest:
    """``page[limit]`` and ``page[offset]`` from the query string, already range-checked."""

    limit: int
    offset: int

    @classmethod
    def from_query(cls, args: MultiDict[str, str]) -> PageRequest:
        limit = _int_param(args, "page[limit]", DEFAULT_PAGE_LIMIT, 1, MAX_PAGE_LIMIT)
        offset = _int_param(args, "page[offset]", 0, 0, MAX_PAGE_OFFSET)
        return cls(limit, offset)

    def slice(self, items: list[T]) -> list[T]:
        return items[self.offset : self.offset + self.limit]

    def meta_and_links(
        self, total_items: int, base_url: str, args: MultiDict[str, str]
    ) -> tuple[dict[str, Any], dict[str, str | None]]:
        """``meta.page``/``meta.results`` and full-URL ``links`` for a list of ``total_items``.

        Other query parameters (a ``filter``) are kept in every link so that following
        ``next`` walks the same result set.
        """
        pages = max(1, math.ceil(total_items / self.limit))
        kept = [(k, v) for k, v in args.items(multi=True) if not k.startswith("page[")]

        def link(offset: int) -> str:
            extra = f"&{urlencode(kept)}" if kept else ""
            return f"{base_url}?page[limit]={self.limit}&page[offset]={offset}{extra}"

        meta = {
            "page": {
                "limit": self.limit,
                "offset": self.offset,
                "current": self.offset // self.limit + 1,
                "total": pages,
            },
            "results": {"total": total_items},
        }
        links = {
            "current": link(self.offset),
            "first": link(0),
            "last": link((pages - 1) * self.limit),
            "next": link(self.offset + self.limit)
            if self.offset + self.limit < total_items
            else None,
            "prev": link(max(0, self.offset - self.limit)) if self.offset > 0 else None,
        }
        return meta, links


def _int_param(args: MultiDict[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, f"{name} must be an integer, got {raw!r}") from None
    if not low <= value <= high:
        raise ApiError(400, f"{name} must be between {low} and {high}, got {value}")
    return value
