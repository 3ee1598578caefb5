"""Whatever a failing server sends, we read what we can and never crash."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from desktop_app.api.error_body import ErrorBody, parse_error_body


def test_json_api_error_with_string_status() -> None:
    body = b'{"errors":[{"status":"401","title":"Unauthorized","detail":"authentication failed"}]}'
    assert parse_error_body(body, "application/json") == ErrorBody(
        title="Unauthorized", detail="authentication failed", status=401
    )


def test_json_api_error_with_numeric_status_and_request_id() -> None:
    body = json.dumps(
        {"errors": [{"status": 404, "title": "Not Found", "meta": {"request_id": "r-1"}}]}
    ).encode()
    parsed = parse_error_body(body, "application/vnd.api+json")
    assert (parsed.status, parsed.title, parsed.request_id) == (404, "Not Found", "r-1")


def test_html_and_empty_bodies_give_nothing_to_show() -> None:
    assert parse_error_body(b"<html><h1>502 Bad Gateway</h1></html>", "text/html") == ErrorBody()
    assert parse_error_body(b"", None) == ErrorBody()
    assert parse_error_body(b"   ", "application/json") == ErrorBody()
    assert parse_error_body(b"{not json", "application/json") == ErrorBody()


def test_oauth_style_error() -> None:
    body = b'{"error": "invalid_client", "error_description": "Bad secret"}'
    assert parse_error_body(body, "application/json").detail == "Bad secret"


def test_long_details_are_shortened() -> None:
    body = json.dumps({"errors": [{"detail": "x" * 5000}]}).encode()
    detail = parse_error_body(body, "application/json").detail
    assert detail is not None
    assert len(detail) <= 300


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


@given(document=json_values)
def test_any_json_document_parses_without_raising(document: object) -> None:
    parse_error_body(json.dumps(document).encode(), "application/json")


@given(
    errors=st.lists(
        st.dictionaries(
            st.sampled_from(["status", "title", "detail", "meta", "request_id"]),
            json_values,
        ),
        max_size=3,
    )
)
def test_any_errors_list_parses_without_raising(errors: list[dict[str, object]]) -> None:
    parse_error_body(json.dumps({"errors": errors}).encode(), "application/json")


@given(raw=st.binary(max_size=200), content_type=st.sampled_from([None, "text/html", "a/json"]))
def test_any_bytes_parse_without_raising(raw: bytes, content_type: str | None) -> None:
    parse_error_body(raw, content_type)
