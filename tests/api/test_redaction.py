"""Secrets never reach a log line, an error message or a label."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from desktop_app.api.redaction import _SHAPES, MASK, Redactor, redact_shapes

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl"


def test_known_secret_values_are_masked_anywhere() -> None:
    redact = Redactor(["client-secret-123", None, "pw-xyz-987"])
    text = "sent client-secret-123 and pw-xyz-987 to https://host/path?x=client-secret-123"
    masked = redact(text)
    assert "client-secret-123" not in masked
    assert "pw-xyz-987" not in masked


def test_secret_shapes_are_masked_without_knowing_the_value() -> None:
    text = (
        f"Authorization: Bearer abc.def-123 token {JWT} "
        "grant_type=client_credentials&client_secret=s3cr3t&client_id=id "
        '{"password": "hunter2\\"x", "username": "ron"} '
        "EP-Account-Management-Authentication-Token: zzz123"
    )
    masked = redact_shapes(text)
    for secret in ("abc.def-123", JWT, "s3cr3t", "hunter2", "zzz123"):
        assert secret not in masked
    assert "client_id=id" in masked
    assert '"username": "ron"' in masked
    assert MASK in masked


@given(
    secret=st.text(min_size=4, max_size=40).filter(lambda s: MASK[0] not in s),
    before=st.text(max_size=50),
    after=st.text(max_size=50),
)
def test_a_registered_secret_never_survives(secret: str, before: str, after: str) -> None:
    assert secret not in Redactor([secret])(before + secret + after)


def every_shape_pass(text: str) -> str:
    """What redact_shapes did before it skipped text holding no shape's marker."""
    for pattern, replacement in _SHAPES:
        text = pattern.sub(replacement, text)
    return text


_FRAGMENTS = st.sampled_from(
    [
        "Bearer ",
        "bEaReR\t",
        "eyJ",
        "EYJ",
        ".abc",
        "client_secret=",
        "Password=",
        '"password": "',
        '"TOKEN":"',
        "access_token=",
        "refresh_token=x",
        "tokens?",
        "ep-account-management-authentication-token: ",
        "EP-Account-Management-Authentication-Token=",
        "'",
        '"',
        "\\",
        "=",
        ":",
        " ",
        "&",
        "ſecret=",  # ſ (long s) matches s case-insensitively
        "to\u212aen=",  # KELVIN SIGN matches k
        "authentıcation",  # dotless ı
        "/v2/account-members/tokens?page%5Blimit%5D=100",
        "zzz123",
    ]
)


@given(st.lists(st.one_of(_FRAGMENTS, st.text(max_size=6)), max_size=12))
def test_skipping_text_without_a_shape_marker_masks_exactly_as_every_pass_would(
    pieces: list[str],
) -> None:
    text = "".join(pieces)
    assert redact_shapes(text) == every_shape_pass(text)


def test_a_plain_request_line_is_left_as_it_is() -> None:
    line = "POST /v2/account-members/tokens?page%5Blimit%5D=100&page%5Boffset%5D=0 -> 200 in 2 ms"
    assert redact_shapes(line) == line
    assert Redactor(["not-in-the-line"])(line) == line
