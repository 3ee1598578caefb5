"""Walking a paginated list: ``page[limit]``/``page[offset]``, at most 100 a page, offsets up
to 10,000 (commerce-api.md, "Errors, pages, limits").

Every list the app reads stops by one rule (:func:`next_offset`). Still one request in flight,
the same requests in the same order, but the caller gets each page at the moment that costs the
user least:

* the first page at once, before the next request leaves: it is what the user is waiting to
  see, and with the store idle the window has the machine to itself to show it. Handed over
  while the store already worked on page two, the window's thread, woken on a two-core machine
  busy with the worker and the store, waited up to ~1.7 ms for a CPU in half the runs;
* every later page once the request for the next one is on the wire (``on_sent``), so parsing
  100 account tokens, reporting progress and the window's work on them overlap the store's work
  on the page after. In a 10,000-account login each request had waited ~0.3 ms for that work
  and for the GIL it held (./dev bench).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

__all__ = [
    "MAX_PAGE_OFFSET",
    "PAGE_LIMIT",
    "FetchPage",
    "Page",
    "dig",
    "next_offset",
    "read_pages",
]

PAGE_LIMIT = 100  # the API's maximum page size
MAX_PAGE_OFFSET = 10_000  # the API's maximum page[offset]

Page = dict[str, Any]
"""A decoded reply whose ``data`` is a list (the fetch function checks that)."""


def dig(document: Any, *keys: str) -> Any:
    """``document[k1][k2]…``, or ``None`` where a level is missing or not an object."""
    for key in keys:
        if not isinstance(document, dict):
            return None
        document = document.get(key)
    return document


def next_offset(page: Page, offset: int, items_read: int) -> int | None:
    """Where the page after ``page`` (read at ``offset``) starts, or ``None`` if it was the last.

    More pages follow when the store links a next one or its ``meta.results.total`` is above
    what was read; an empty page ends the list whatever it says, and so does the API's offset
    limit (a store that always says "more" cannot keep the client reading)."""
    if not page["data"]:
        return None
    total = dig(page, "meta", "results", "total")
    more = bool(dig(page, "links", "next")) or (isinstance(total, int) and items_read < total)
    following = offset + PAGE_LIMIT
    return following if more and following <= MAX_PAGE_OFFSET else None


class FetchPage(Protocol):
    """Reads the page at ``offset``; calls ``on_sent`` once its request is on the wire."""

    def __call__(self, offset: int, on_sent: Callable[[], None] | None = None) -> Page: ...


def read_pages(fetch: FetchPage, take: Callable[[Page], None]) -> None:
    """Read every page of a list in order and give each to ``take``, in order, on this thread:
    the first as soon as it is read, each later one once the next request is sent.

    An error ends the reading: raised by ``fetch``, or by ``take`` (then after the request in
    flight, if any, has come back, so that request ends as every other does); pages not yet
    taken are dropped."""
    held: Page | None = None
    taking_failed: list[Exception] = []

    def hand_over() -> None:
        nonlocal held
        page, held = held, None
        if page is not None and not taking_failed:
            try:
                take(page)
            except Exception as error:  # not raised inside the HTTP library's send
                taking_failed.append(error)

    offset: int | None = 0
    items_read = 0
    while offset is not None:
        page = fetch(offset, on_sent=hand_over)
        hand_over()  # a request that never reported being sent: the page before, now
        held = page
        if offset == 0:
            hand_over()  # the first page at once: what the user waits to see
        if taking_failed:
            raise taking_failed[0]
        items_read += len(page["data"])
        offset = next_offset(page, offset, items_read)
    hand_over()
    if taking_failed:
        raise taking_failed[0]
