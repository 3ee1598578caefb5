"""Walking a paginated list: ``page[limit]``/``page[offset]``, at most 100 a page, offsets up
to 10,000 (commerce-api.md, "Errors, pages, limits").

Every list the app reads stops by one rule (:func:`next_offset`). Still one request in flight,
the same requests in the same order, but the caller gets each page at the moment that costs the
user least:

* the first page at once, before the next request leaves: it is what the user is waiting to
  see, and with the store idle the window has the machine to itself to show it. Handed over
  while the store already worked on page two, the window's thread, woken on a two-core machine
  busy with the worker and the store, waited up to ~1.7 ms for a CPU in half the runs;
* every later page once the request for the next one is on the wire (``on_sent``), so decoding
  its JSON, parsing 100 account tokens, reporting progress and the window's work on them
  overlap the store's work on the page after. In a 10,000-account login each request had
  waited ~0.3 ms for that work and for the GIL it held, and then ~0.1 ms for the JSON decode
  that said whether to ask for more (./dev bench). The total of the pages decoded so far says
  that instead; should a page then end the list early, the one reply asked for ahead of it is
  dropped.
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
    """Asks for the page at ``offset`` and returns once its reply is in, with a function that
    decodes it (raising if it is not a page); calls ``on_sent`` once the request is on the wire.
    """

    def __call__(
        self, offset: int, on_sent: Callable[[], None] | None = None
    ) -> Callable[[], Page]: ...


def read_pages(fetch: FetchPage, take: Callable[[Page], None]) -> None:
    """Read every page of a list in order and give each to ``take``, in order, on this thread:
    the first as soon as it is read, each later one once the next request is sent (or, when
    no next request is certain, once it is read).

    An error ends the reading: raised by ``fetch``, or by decoding or ``take`` (then after the
    request in flight, if any, has come back, so that request ends as every other does); pages
    not yet taken are dropped."""
    reader = _PageReader(take)
    offset: int | None = 0
    while offset is not None:
        decode = fetch(offset, on_sent=reader.settle_held)
        reader.settle_held()  # a request that never reported being sent: the page before, now
        reader.raise_failure()
        if reader.expected != offset:
            return  # asked for ahead, but the page before it ended the list: drop this reply
        ahead = reader.ahead_of(offset) if offset else None
        reader.held = (offset, decode)
        if ahead is None:  # the first page, or what looks like the last: decode it now
            reader.settle_held()
            reader.raise_failure()
            offset = reader.expected
        else:
            offset = ahead


class _PageReader:
    """What the pages decoded so far say, and the page read but not yet decoded."""

    def __init__(self, take: Callable[[Page], None]) -> None:
        self._take = take
        self.held: tuple[int, Callable[[], Page]] | None = None
        self.expected: int | None = 0  # the offset that comes next (None: the list has ended)
        self._items_read = 0
        self._total: int | None = None
        self._failure: Exception | None = None

    def settle_held(self) -> None:
        """Decode the held page and give it to ``take``; an error is kept for later."""
        held, self.held = self.held, None
        if held is None or self._failure is not None:
            return
        offset, decode = held
        try:  # not raised inside the HTTP library's send, where on_sent runs
            page = decode()
            self._take(page)
        except Exception as error:
            self._failure = error
            return
        self._items_read += len(page["data"])
        total = dig(page, "meta", "results", "total")
        self._total = total if isinstance(total, int) else None
        self.expected = next_offset(page, offset, self._items_read)

    def ahead_of(self, offset: int) -> int | None:
        """The page to ask for before the one at ``offset`` is decoded, if the last total
        says it exists."""
        following = offset + PAGE_LIMIT
        if self._total is not None and following < self._total and following <= MAX_PAGE_OFFSET:
            return following
        return None

    def raise_failure(self) -> None:
        if self._failure is not None:
            raise self._failure
