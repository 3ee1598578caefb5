"""Account tokens are decoded for people to read, even when damaged; never trusted."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from desktop_app.api.jwt_display import claim_time, decode_for_display


def b64(value: object) -> str:
    raw = json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def make_jwt(claims: dict[str, object]) -> str:
    return f"{b64({'alg': 'HS256', 'typ': 'JWT'})}.{b64(claims)}.signature"


def test_epoch_number_claims() -> None:
    decoded = decode_for_display(make_jwt({"sub": "m-1", "scope": "a-1", "exp": 1700000000}))
    assert decoded.problems == ()
    assert decoded.expires_at == datetime.fromtimestamp(1700000000, UTC)
    assert (decoded.account_member_id, decoded.account_id) == ("m-1", "a-1")
    assert decoded.header == {"alg": "HS256", "typ": "JWT"}


def test_iso_string_claims_as_in_some_official_examples() -> None:
    decoded = decode_for_display(
        make_jwt({"exp": "2021-03-16T19:36:11.070Z", "iat": "2021-03-15T19:36:11Z"})
    )
    assert decoded.expires_at == datetime(2021, 3, 16, 19, 36, 11, 70000, tzinfo=UTC)
    assert decoded.issued_at == datetime(2021, 3, 15, 19, 36, 11, tzinfo=UTC)


def test_malformed_token_gives_partial_information() -> None:
    decoded = decode_for_display(b64({"alg": "HS256"}) + ".%%%not-base64")
    assert decoded.header == {"alg": "HS256"}
    assert decoded.claims is None
    assert any("3 parts" in p for p in decoded.problems)
    assert any("claims part is not readable" in p for p in decoded.problems)


def test_unreadable_time_claim_is_reported_not_raised() -> None:
    decoded = decode_for_display(make_jwt({"exp": "next tuesday", "iat": True}))
    assert decoded.expires_at is None
    assert any("“exp” claim is not a time" in p for p in decoded.problems)


def test_claim_time_accepts_numbers_and_numeric_strings() -> None:
    assert claim_time(0) == datetime(1970, 1, 1, tzinfo=UTC)
    assert claim_time("1700000000") == datetime.fromtimestamp(1700000000, UTC)
    assert claim_time(10**20) is None


@given(token=st.text(max_size=300))
def test_any_text_decodes_without_raising(token: str) -> None:
    decode_for_display(token)


@given(
    claims=st.dictionaries(
        st.sampled_from(["exp", "iat", "nbf", "sub", "scope"]),
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    )
)
def test_any_claims_decode_without_raising(claims: dict[str, object]) -> None:
    decode_for_display(make_jwt(claims))
