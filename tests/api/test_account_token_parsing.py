"""The login page parser's short path gives exactly what the careful one gives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from desktop_app.api.client import _parse_account_token_carefully, parse_account_token
from desktop_app.api.errors import BadResponse

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE4OTM0NTYwMDB9.c2lnbmF0dXJl"  # exp 2030-01-01

moments = st.datetimes(
    min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)
)
offsets = st.sampled_from([UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-5))])


@st.composite
def expiry_texts(draw: st.DrawFn) -> object:
    moment = draw(moments).astimezone(draw(offsets))
    text = moment.isoformat(timespec=draw(st.sampled_from(["seconds", "milliseconds", "auto"])))
    if draw(st.booleans()):
        text = text.replace("+00:00", "Z")
    if draw(st.booleans()):
        text = text.replace("T", " ")
    return draw(
        st.one_of(
            st.just(text),
            st.just(f" {text}\n"),
            st.just(text[:19]),  # no offset: read as UTC
            st.text(max_size=12),
            st.none(),
            st.integers(),
            st.booleans(),
        )
    )


texts = st.one_of(st.text(max_size=8), st.none(), st.integers(), st.just(""))
items = st.one_of(
    st.fixed_dictionaries(
        {"token": st.one_of(st.just(JWT), texts), "account_id": texts},
        optional={"account_name": texts, "expires": expiry_texts()},
    ),
    st.lists(st.integers(), max_size=2),
    st.none(),
)


def outcome(parse: Any, item: object) -> object:
    try:
        token = parse(item)
    except BadResponse as error:
        return ("refused", str(error))
    return (token, token.expires.tzinfo)  # equal datetimes can still differ in their zone


@given(item=items)
@example(item={"token": JWT, "account_id": "a", "expires": "2026-11-24T12:00:00.000Z"})
@example(item={"token": JWT, "account_id": "a", "expires": "2026-11-24T13:00:00+01:00"})
@example(item={"token": JWT, "account_id": "a", "expires": "2026-11-24T12:00:00"})
@example(item={"token": JWT, "account_id": "a", "expires": "0001-01-01T00:00:00+01:00"})
@example(item={"token": JWT, "account_id": "a", "expires": " 2026-11-24T12:00:00Z"})
@example(item={"token": JWT, "account_id": "a", "expires": "garbage"})
@example(item={"token": JWT, "account_id": "a", "account_name": 7, "expires": None})
def test_the_short_path_matches_the_careful_one(item: object) -> None:
    assert outcome(parse_account_token, item) == outcome(_parse_account_token_carefully, item)


def test_a_usual_entry_is_read_in_full() -> None:
    token = parse_account_token(
        {
            "account_id": "acc-1",
            "account_name": "Pawnee Parks",
            "token": JWT,
            "expires": "2026-11-24T12:00:00.000Z",
        }
    )
    assert (token.account_id, token.account_name, token.token) == ("acc-1", "Pawnee Parks", JWT)
    assert token.expires == datetime(2026, 11, 24, 12, tzinfo=UTC)
    assert token.expires.tzinfo is UTC


def test_an_entry_without_a_readable_expiry_falls_back_to_the_jwt() -> None:
    token = parse_account_token({"account_id": "a", "token": JWT, "expires": "soon"})
    assert token.expires == datetime(2030, 1, 1, tzinfo=UTC)
    with pytest.raises(BadResponse, match="“account_id”"):
        parse_account_token({"account_id": "", "token": JWT})
