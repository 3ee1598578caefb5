"""Reading pages: when to stop, and handing each page over while the next one is on its way."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from desktop_app.api.errors import BadResponse
from desktop_app.api.pagination import MAX_PAGE_OFFSET, Page, next_offset, read_pages
from desktop_app.api.redaction import Redactor
from desktop_app.api.transport import Transport


def page(items: int, *, total: object = None, next_link: bool = False) -> Page:
    document: Page = {"data": [{"n": n} for n in range(items)]}
    if total is not None:
        document["meta"] = {"results": {"total": total}}
    if next_link:
        document["links"] = {"next": "…"}
    return document


# ------------------------------------------------------------------------- when to stop


def test_more_pages_follow_a_next_link_or_a_larger_total() -> None:
    assert next_offset(page(100, next_link=True), 0, 100) == 100
    assert next_offset(page(100, total=250), 100, 200) == 200
    assert next_offset(page(50, total=250), 200, 250) is None  # all read
    assert next_offset(page(100), 0, 100) is None  # nothing says there is more


def test_an_empty_page_or_the_offset_limit_ends_the_list() -> None:
    assert next_offset(page(0, total=10**9, next_link=True), 300, 300) is None
    assert next_offset(page(100, next_link=True), MAX_PAGE_OFFSET - 100, 9_900) == 10_000
    assert next_offset(page(100, next_link=True), MAX_PAGE_OFFSET, 10_000) is None


def test_a_total_that_is_not_a_number_is_ignored() -> None:
    assert next_offset(page(100, total="250"), 0, 100) is None
    assert next_offset(page(100, total=None), 0, 100) is None


# ------------------------------------------------------------------ handing pages over


class ScriptedPages:
    """A fetch function over pages of 100 that notes what happens in which order.

    ``totals`` is what each page says the list's total is (the same for all by default)."""

    def __init__(
        self,
        pages: int = 3,
        *,
        report_sent: bool = True,
        totals: dict[int, int] | None = None,
    ) -> None:
        self.pages = pages
        self.report_sent = report_sent
        self.totals = totals or {}
        self.events: list[str] = []

    def __call__(
        self, offset: int, on_sent: Callable[[], None] | None = None
    ) -> Callable[[], Page]:
        self.events.append(f"send {offset}")
        if on_sent is not None and self.report_sent:
            on_sent()
        self.events.append(f"reply {offset}")
        total = self.totals.get(offset, self.pages * 100)
        items = 100 if offset < total else 0

        def decode() -> Page:
            self.events.append(f"decode {offset}")
            return page(items, total=total)

        return decode

    def take(self, document: Page) -> None:
        self.events.append("take")


def test_the_first_page_is_taken_at_once_and_each_later_one_after_the_next_is_sent() -> None:
    pages = ScriptedPages()
    read_pages(pages, pages.take)
    assert pages.events == [
        "send 0",
        "reply 0",
        "decode 0",
        "take",  # page 1, what the user waits to see, before anything else is asked for
        "send 100",
        "reply 100",
        "send 200",  # page 1's total says page 3 exists: asked for before page 2 is decoded
        "decode 100",
        "take",  # page 2, while the store works on page 3
        "reply 200",
        "decode 200",
        "take",  # the last page: nothing more to wait for
    ]


def test_without_a_total_each_page_is_decoded_before_the_next_is_asked_for() -> None:
    """Only a next link says more follow: nothing can be asked for ahead."""
    events: list[str] = []

    def fetch(offset: int, on_sent: Callable[[], None] | None = None) -> Callable[[], Page]:
        events.append(f"send {offset}")

        def decode() -> Page:
            events.append(f"decode {offset}")
            return page(100, next_link=offset < 200)

        return decode

    read_pages(fetch, lambda document: None)
    assert events == ["send 0", "decode 0", "send 100", "decode 100", "send 200", "decode 200"]


def test_a_page_that_ends_the_list_early_drops_the_reply_asked_for_ahead() -> None:
    """The total shrank while reading (accounts removed): page 2 says it is the last, but
    page 3 was already asked for on page 1's word. Its reply is read and dropped."""
    pages = ScriptedPages(pages=5, totals={100: 200, 200: 200})
    taken: list[Page] = []

    def take(document: Page) -> None:
        taken.append(document)

    read_pages(pages, take)
    assert [len(document["data"]) for document in taken] == [100, 100]
    assert pages.events[-3:] == ["send 200", "decode 100", "reply 200"]  # never decoded


def test_a_request_that_never_reports_being_sent_still_gets_its_page_before_it_in_order() -> None:
    pages = ScriptedPages(report_sent=False)
    read_pages(pages, pages.take)
    assert pages.events == [
        "send 0",
        "reply 0",
        "decode 0",
        "take",
        "send 100",
        "reply 100",
        "send 200",
        "reply 200",
        "decode 100",
        "take",
        "decode 200",
        "take",
    ]


def test_an_unreadable_first_page_ends_the_reading_before_anything_else_is_sent() -> None:
    pages = ScriptedPages()

    def take(document: Page) -> None:
        raise BadResponse("page 1 is unreadable")

    with pytest.raises(BadResponse, match="page 1"):
        read_pages(pages, take)
    assert pages.events == ["send 0", "reply 0", "decode 0"]


def test_a_page_that_cannot_be_taken_ends_the_reading_after_the_request_in_flight() -> None:
    pages = ScriptedPages(pages=5)
    taken: list[Page] = []

    def take(document: Page) -> None:
        taken.append(document)
        pages.events.append("take")
        if len(taken) == 2:
            raise BadResponse("page 2 is unreadable")

    with pytest.raises(BadResponse, match="page 2"):
        read_pages(pages, take)
    # Page 2 is taken while page 3 is on its way: page 3 comes back, nothing more is sent.
    assert pages.events[-4:] == ["send 200", "decode 100", "take", "reply 200"]
    assert len(taken) == 2


def test_a_page_that_cannot_be_decoded_ends_the_reading_after_the_request_in_flight() -> None:
    def fetch(offset: int, on_sent: Callable[[], None] | None = None) -> Callable[[], Page]:
        events.append(f"send {offset}")
        if on_sent is not None:
            on_sent()
        events.append(f"reply {offset}")

        def decode() -> Page:
            if offset == 100:
                raise BadResponse("page 2 is not JSON")
            return page(100, total=500)

        return decode

    events: list[str] = []
    taken: list[Page] = []
    with pytest.raises(BadResponse, match="page 2"):
        read_pages(fetch, taken.append)
    assert events[-2:] == ["send 200", "reply 200"]
    assert len(taken) == 1


def test_an_error_reading_a_page_is_raised_at_once() -> None:
    def fetch(offset: int, on_sent: Callable[[], None] | None = None) -> Callable[[], Page]:
        if offset:
            raise BadResponse("the store broke")
        return lambda: page(100, total=300)

    taken: list[Page] = []
    with pytest.raises(BadResponse, match="broke"):
        read_pages(fetch, taken.append)
    assert len(taken) == 1  # the first page, taken before the second request failed


def test_an_error_reading_a_later_page_drops_the_page_still_held() -> None:
    def fetch(offset: int, on_sent: Callable[[], None] | None = None) -> Callable[[], Page]:
        if offset == 200:
            raise BadResponse("the store broke")
        return lambda: page(100, total=300)

    taken: list[Page] = []
    with pytest.raises(BadResponse, match="broke"):
        read_pages(fetch, taken.append)
    assert len(taken) == 1  # page 2 was waiting for page 3's request to leave


# --------------------------------------------------------------- through real HTTP


@pytest.fixture
def store_waiting_for_the_hook() -> Iterator[tuple[str, threading.Event]]:
    """A store that answers only once the client's ``on_sent`` hook has run: if the hook ran
    after the reply instead, every request here would time out with a 504."""
    hook_ran = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status = 200 if hook_ran.wait(timeout=5) else 504
            body = b'{"data": []}'
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hook_ran
    server.shutdown()
    server.server_close()


def test_the_sent_hook_runs_while_the_store_is_still_working(
    store_waiting_for_the_hook: tuple[str, threading.Event],
) -> None:
    url, hook_ran = store_waiting_for_the_hook
    transport = Transport(url, Redactor())
    calls: list[str] = []

    def on_sent() -> None:
        calls.append(threading.current_thread().name)
        hook_ran.set()

    try:
        reply = transport.send("POST", "/v2/things", json_body={"a": 1}, on_sent=on_sent)
        again = transport.send("POST", "/v2/things", json_body={"a": 2})  # no hook of its own
    finally:
        transport.close()
    assert (reply.status, again.status) == (200, 200)
    assert calls == [threading.current_thread().name]  # once, on the sending thread
