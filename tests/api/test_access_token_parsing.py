"""The SDK and CLI read a flat token reply; the OpenAPI spec wraps it in data: take both."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.api.auth import parse_access_token
from desktop_app.api.error_mapping import retry_after_seconds
from desktop_app.api.errors import BadResponse

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
FLAT = {
    "access_token": "tok",
    "token_type": "Bearer",
    "identifier": "implicit",
    "expires_in": 3600,
    "expires": int((NOW + timedelta(hours=1)).timestamp()),
}


def test_flat_reply() -> None:
    token = parse_access_token(FLAT, "implicit", NOW)
    assert (token.token, token.grant_type) == ("tok", "implicit")
    assert token.expires_at == NOW + timedelta(hours=1)


def test_data_wrapped_reply() -> None:
    assert parse_access_token({"data": FLAT}, "implicit", NOW) == parse_access_token(
        FLAT, "implicit", NOW
    )


def test_expires_in_is_used_when_expires_is_missing() -> None:
    token = parse_access_token({"access_token": "t", "expires_in": 60}, "client_credentials", NOW)
    assert token.expires_at == NOW + timedelta(seconds=60)
    assert token.grant_type == "client_credentials"


def test_token_is_refreshed_a_minute_early() -> None:
    token = parse_access_token(FLAT, "implicit", NOW)
    assert token.is_fresh(NOW + timedelta(minutes=58))
    assert not token.is_fresh(NOW + timedelta(minutes=59, seconds=1))


@pytest.mark.parametrize("document", [[], "x", {"token_type": "Bearer"}, {"access_token": ""}])
def test_unusable_replies_are_bad_responses(document: object) -> None:
    with pytest.raises(BadResponse):
        parse_access_token(document, "implicit", NOW)


@given(
    document=st.dictionaries(
        st.sampled_from(["access_token", "expires", "expires_in", "identifier", "data"]),
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    )
)
def test_any_reply_parses_or_is_a_bad_response(document: dict[str, object]) -> None:
    with contextlib.suppress(BadResponse):
        parse_access_token(document, "implicit", NOW)


def test_retry_after_in_seconds_or_as_an_http_date() -> None:
    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds("Mon, 23 Nov 2026 12:00:05 GMT", now=NOW) == 5.0
    assert retry_after_seconds("Mon, 23 Nov 2026 11:00:00 GMT", now=NOW) == 0.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


@given(value=st.text(max_size=40))
def test_any_retry_after_value_is_handled(value: str) -> None:
    result = retry_after_seconds(value, now=NOW)
    assert result is None or result >= 0
