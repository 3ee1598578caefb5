"""Arbitrary input where the app meets the outside world: never an unhandled exception.

Already fuzzed elsewhere and not repeated here: error bodies (tests/api/test_error_body.py),
token replies and Retry-After parsing (tests/api/test_access_token_parsing.py), JWTs
(tests/api/test_jwt_display.py), valid seeds round-tripping (tests/sandbox/test_seed.py).
This file adds what crosses the wire or the keyboard as a whole: paginated login replies from a
scripted store, Retry-After headers through the real transport, seed dictionaries and seed
files, and the two forms an agent types into.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_app.api.client import CommerceClient
from desktop_app.api.connection import ConnectionConfig
from desktop_app.api.errors import ApiError, RateLimited
from desktop_app.api.login_rules import confirmation_problem, password_problem, username_problem
from desktop_app.api.models import AccountToken, LoginProgress, PasswordProfile, ShopperLogin
from desktop_app.api.pagination import MAX_PAGE_OFFSET, PAGE_LIMIT
from desktop_app.sandbox.seed import Seed, SeedError, demo_seed, load_seed
from desktop_app.ui.login_form import LoginForm, LoginRequest
from desktop_app.ui.password_login_form import CreateLoginRequest, PasswordLoginForm
from tests.conftest import FAST_RETRY, FAST_TIMEOUTS
from tests.scripted_server import Scripted, ScriptedServer

TOKENS = "/v2/account-members/tokens"
SETTINGS = "/v2/settings/account-authentication"
ACCESS_TOKEN = Scripted(200, b'{"access_token":"bearer-t","expires_in":3600}')
DEEP_JSON = b"[" * 100_000  # json.loads raises RecursionError, not ValueError
MAX_REQUESTS = MAX_PAGE_OFFSET // PAGE_LIMIT + 2

# Modest on purpose: the whole file runs in well under 30 s on a 2-core machine.
network = settings(max_examples=200)
offline = settings(max_examples=300)
qt_inputs = settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@pytest.fixture(scope="module")
def store() -> Iterator[ScriptedServer]:
    server = ScriptedServer()
    server.script("/oauth/access_token", ACCESS_TOKEN)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def client(store: ScriptedServer) -> Iterator[CommerceClient]:
    made = CommerceClient(
        ConnectionConfig("Scripted", store.url, "client-id"),
        retry=FAST_RETRY,
        timeouts=FAST_TIMEOUTS,
    )
    yield made
    made.close()


# ---------------------------------------------------------------- paginated login replies

expiries = st.one_of(
    st.none(),
    st.integers(),
    st.text(max_size=30),
    st.builds(
        lambda moment, zone: moment.isoformat() + zone,
        st.datetimes(),
        st.sampled_from(["", "Z", "+01:00", "-01:00", "+23:59", "-23:59"]),
    ),
)
accounts = st.one_of(
    st.fixed_dictionaries(
        {
            "token": st.one_of(st.just("eyJhbGciOiJub25lIn0.e30."), st.text(max_size=20)),
            "account_id": st.one_of(st.text(max_size=8), st.integers(), st.none()),
            "expires": expiries,
        },
        optional={"account_name": json_values},
    ),
    json_values,
)
totals = st.one_of(
    st.integers(-5, 2 * MAX_PAGE_OFFSET), st.floats(), st.text(max_size=5), st.booleans()
)
metas = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {},
        optional={
            "results": st.one_of(
                json_values, st.fixed_dictionaries({}, optional={"total": totals})
            ),
            "account_member_id": json_values,
        },
    ),
)
links = st.one_of(
    json_values,
    st.fixed_dictionaries({}, optional={"next": json_values}),
)
pages = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "data": st.one_of(st.lists(accounts, max_size=4), json_values),
            "meta": metas,
            "links": links,
        },
    ),
    json_values,
).map(lambda document: json.dumps(document).encode())
bodies = st.one_of(pages, st.sampled_from([b"", b"null", b"\xff\xfe", b"{", DEEP_JSON]))
replies = st.builds(
    Scripted,
    status=st.sampled_from([200, 201, 201, 201, 400, 401, 404, 429, 500, 503]),
    body=bodies,
)


def a_page(*items: object, **document: object) -> Scripted:
    return Scripted(201, json.dumps({"data": list(items), **document}).encode())


@network
@given(script=st.lists(replies, min_size=1, max_size=3))
@example(script=[a_page({"token": "t", "account_id": "a", "expires": "0001-01-01T00:00:00+01:00"})])
@example(script=[a_page({"token": "t", "account_id": "a", "expires": "9999-12-31T23:59:59-01:00"})])
@example(script=[Scripted(201, DEEP_JSON)])
@example(script=[Scripted(500, DEEP_JSON)])
@example(  # a store that always says "there is more": the client must stop on its own
    script=[
        a_page(
            {"token": "t", "account_id": "a", "expires": "2030-01-01T00:00:00Z"},
            links={"next": "again"},
            meta={"results": {"total": 10**9}},
        )
    ]
)
def test_any_login_reply_is_a_login_or_an_api_error(
    store: ScriptedServer, client: CommerceClient, script: list[Scripted]
) -> None:
    store.script(TOKENS, *script)
    store.requests.clear()
    progress: list[LoginProgress] = []
    try:
        login = client.login_shopper(
            "profile", "Ron", "pawnee-parks-1", on_progress=progress.append
        )
    except ApiError:
        pass
    else:
        assert isinstance(login, ShopperLogin)
        assert all(isinstance(token, AccountToken) for token in login.tokens)
        assert all(token.expires.tzinfo is not None for token in login.tokens)
        assert sum(len(p.page_tokens) for p in progress) == len(login.tokens)
    assert sum(r.path.startswith(TOKENS) for r in store.requests) <= MAX_REQUESTS


# ------------------------------------------------------------ Retry-After through the wire

header_text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40)


@network
@given(value=st.one_of(header_text, st.integers(0, 10**400).map(str)))
@example(value="9" * 400)  # a number of seconds no float can hold
@example(value="Fri, 31 Dec 9999 23:59:59 GMT")
@example(value="-5")
def test_any_retry_after_header_on_a_429_is_an_api_error(
    store: ScriptedServer, client: CommerceClient, value: str
) -> None:
    store.script(SETTINGS, Scripted(429, b"", {"Retry-After": value}))
    with pytest.raises(ApiError) as caught:
        client.find_realm()
    if isinstance(caught.value, RateLimited):
        assert caught.value.explain()


# ------------------------------------------------------------------------- sandbox seeds

SMALL_SEED = demo_seed().to_dict()
SMALL_SEED["accounts"] = SMALL_SEED["accounts"][:5]


def paths(document: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(document, dict):
        for key, value in document.items():
            yield from paths(value, (*prefix, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from paths(value, (*prefix, index))


def mutate(document: Any, path: tuple[Any, ...], action: str, value: Any) -> Any:
    """``document`` with the node at ``path`` replaced, removed or given an extra key."""
    if not path:
        return value if action == "replace" else document
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if action == "replace":
        parent[last] = value
    elif action == "delete":
        del parent[last]
    elif isinstance(parent[last], dict):
        parent[last][f"extra-{len(parent[last])}"] = value
    return document


def seed_or_seed_error(data: Any) -> None:
    """A Seed that survives its own round trip, or a SeedError that says what is wrong."""
    problem = ""
    try:
        seed = Seed.from_dict(data)
    except SeedError as error:
        problem = str(error)
        assert problem
    else:
        assert Seed.from_dict(seed.to_dict()) == seed


@offline
@given(data=json_values)
def test_any_json_document_is_a_seed_or_a_seed_error(data: object) -> None:
    seed_or_seed_error(data)


@offline
@given(data=st.data())
def test_a_damaged_demo_seed_is_a_seed_or_a_seed_error(data: st.DataObject) -> None:
    document: Any = copy.deepcopy(SMALL_SEED)
    for _ in range(data.draw(st.integers(1, 3), label="damages")):
        path = data.draw(st.sampled_from(list(paths(document))), label="path")
        action = data.draw(st.sampled_from(["replace", "delete", "add"]), label="action")
        document = mutate(document, path, action, data.draw(json_values, label="value"))
    seed_or_seed_error(document)


@pytest.fixture(scope="module")
def seed_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("seeds") / "seed.json"


@offline
@given(raw=st.one_of(st.binary(max_size=200), json_values.map(lambda v: json.dumps(v).encode())))
@example(raw=b"\xff\xfe{}")  # not UTF-8
@example(raw=DEEP_JSON)
@example(raw=json.dumps(SMALL_SEED).encode())
def test_any_seed_file_loads_or_is_a_seed_error(seed_file: Path, raw: bytes) -> None:
    seed_file.write_bytes(raw)
    problem = ""
    try:
        seed = load_seed(seed_file)
    except SeedError as error:
        problem = str(error)
    else:
        assert isinstance(seed, Seed)
    assert not problem or str(seed_file) in problem  # a problem names the file


# --------------------------------------------------------------------------------- forms

long_texts = st.builds(
    lambda piece, count: (piece * count)[:10_000], st.text(min_size=1, max_size=3), st.just(10_000)
)
control = st.text(st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp"]), max_size=12)
# PySide reads a leading U+FEFF / U+FFFE of a Python str as a byte-order mark when it makes
# the QString (dropped, or the rest byte-swapped): a binding quirk no user can type, left out.
field_texts = st.one_of(
    st.text(max_size=30), control, long_texts, st.sampled_from(["", " ", "\t\n"])
).filter(lambda text: not text.startswith(("\ufeff", "\ufffe")))
# Typed key by key: QTest can only simulate printable ASCII and a few control keys (it aborts
# the process on others), so the rest of Unicode arrives through setText, as a paste would.
typed_texts = st.text(
    st.one_of(st.characters(min_codepoint=32, max_codepoint=126), st.sampled_from("\b\t\r\x1b")),
    max_size=20,
)
PROFILES = (
    PasswordProfile("any-profile", "Shopper logins", "any"),
    PasswordProfile("email-profile", "Email logins", "email"),
)


@qt_inputs
@given(username=field_texts, password=field_texts, typed=typed_texts)
@example(username="ron@swanson.com", password="pawnee-parks-1", typed="")
@example(username=" ", password="x", typed="\b\b\r")
def test_the_login_form_takes_any_text(
    qtbot: QtBot, username: str, password: str, typed: str
) -> None:
    form = LoginForm()
    try:
        form.set_profiles(PROFILES)
        sent: list[LoginRequest] = []
        form.submitted.connect(sent.append)
        form.username_edit.setText(username)
        form.password_edit.setText(password)
        qtbot.keyClicks(form.password_edit, typed)  # control keys included: Enter may submit
        before, shown_username, shown_password = len(sent), form.username_edit.text(), None
        shown_password = form.password_edit.text()
        qtbot.keyClick(form.password_edit, Qt.Key.Key_Return)
        assert form.username_edit.text() == shown_username == username
        assert form.password_edit.text() == shown_password
        refused = not shown_username.strip() or not shown_password
        if refused:
            assert len(sent) == before
            assert form.error_label.text() == "Fill in the highlighted fields to log in."
            assert form.username_error.text() or form.password_error.text()
        else:
            assert sent[before:] == [
                LoginRequest("any-profile", shown_username.strip(), shown_password)
            ]
            assert form.error_label.text() == ""
    finally:
        form.deleteLater()


@qt_inputs
@given(
    user_id=field_texts,
    profile=st.sampled_from(PROFILES),
    username=field_texts,
    password=field_texts,
    again=st.one_of(field_texts, st.just(None)),  # None: typed the same password twice
    search=field_texts,
)
@example(
    user_id="user-1",
    profile=PROFILES[0],
    username="bob",
    password="burgers-1234",
    again=None,
    search="Bob",
)
def test_the_password_login_form_takes_any_text(
    qtbot: QtBot,
    user_id: str,
    profile: PasswordProfile,
    username: str,
    password: str,
    again: str | None,
    search: str,
) -> None:
    form = PasswordLoginForm()
    try:
        form.set_profiles(PROFILES)
        searches: list[str] = []
        created: list[CreateLoginRequest] = []
        form.search_requested.connect(searches.append)
        form.create_requested.connect(created.append)
        form.search_edit.setText(search)
        qtbot.keyClick(form.search_edit, Qt.Key.Key_Return)
        assert searches == ([search.strip()] if search.strip() else [])
        assert form.search_edit.text() == search

        confirm = password if again is None else again
        form.profile_combo.setCurrentIndex(form.profile_combo.findData(profile.id))
        form.user_id_edit.setText(user_id)
        form.username_edit.setText(username)
        form.password_edit.setText(password)
        form.confirm_edit.setText(confirm)
        qtbot.keyClick(form.confirm_edit, Qt.Key.Key_Return)
        assert (
            form.user_id_edit.text(),
            form.username_edit.text(),
            form.password_edit.text(),
            form.confirm_edit.text(),
        ) == (user_id, username, password, confirm)
        problems = [
            None if user_id.strip() else "no user",
            username_problem(username, profile),
            password_problem(password),
            confirmation_problem(password, confirm),
        ]
        if any(problems):
            assert created == []
            assert form.error_label.text() == "Fix the highlighted fields to create the login."
            errors = (form.user_error, form.username_error, form.password_error)
            assert any(e.text() for e in (*errors, form.confirm_error))
        else:
            (request,) = created
            assert (request.user_id, request.profile, request.username, request.password) == (
                user_id.strip(),
                profile,
                username.strip(),
                password,
            )
    finally:
        form.deleteLater()
