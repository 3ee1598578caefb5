"""The sandbox under bad requests and under load: JSON:API errors, no 5xx, consistent state.

tests/sandbox/test_robustness.py already covers: invalid JSON on the shopper login, a JSON
body without a data object on user creation, 415 on login creation, 413 (plain and chunked) on
user creation, 404 for two unknown paths and 405 for two wrong methods. This file adds the
rest of the matrix — every write endpoint × every kind of bad body, every method on unknown
paths and on known ones that do not take it — then eight threads of mixed traffic and a race
for one username.
"""

from __future__ import annotations

import functools
import itertools
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
import requests

from desktop_app.sandbox import RunningSandbox, start_sandbox
from desktop_app.sandbox.seed import (
    BOB_ID,
    DEMO_EMAIL_PROFILE_ID,
    DEMO_SHOPPER_PROFILE_ID,
    RON_ID,
)
from tests.sandbox.client import SandboxClient, error_of, login_body

THREADS = 8
REQUESTS_PER_THREAD = 200
KINDS = 8  # the kinds of request each thread cycles through, see ``Traffic.send``
RACES = 20
ONE_MEGABYTE = 1024 * 1024


@pytest.fixture(scope="module")
def store() -> Iterator[RunningSandbox]:
    with start_sandbox() as running:
        yield running


@pytest.fixture(scope="module")
def admin(store: RunningSandbox) -> str:
    return SandboxClient(store).token()


# ---------------------------------------------------------------------------- bad requests


def ron_login_path(store: RunningSandbox, admin: str) -> str:
    api = SandboxClient(store)
    (login,) = api.get(api.logins_path(RON_ID), admin).json()["data"]
    return api.logins_path(RON_ID, login["id"])


def write_endpoints(store: RunningSandbox, admin: str) -> dict[str, tuple[str, str]]:
    api = SandboxClient(store)
    return {
        "create user": ("POST", api.users_path()),
        "create login": ("POST", api.logins_path(BOB_ID)),
        "reset password": ("PUT", ron_login_path(store, admin)),
        "shopper login": ("POST", "/v2/account-members/tokens"),
    }


BAD_BODIES: dict[str, tuple[bytes, str, int]] = {
    "invalid JSON": (b'{"data": {', "application/json", 400),
    "JSON nested past Python's limit": (b"[" * 100_000, "application/json", 400),
    "JSON that is not UTF-8": (b'{"data": "\xff"}', "application/json", 400),
    "text/plain": (b'{"data": {}}', "text/plain", 415),
    "form-encoded": (b"data=x", "application/x-www-form-urlencoded", 415),
    "no content type": (b'{"data": {}}', "", 415),
    "over 1 MB": (b"[" + b" " * ONE_MEGABYTE + b"]", "application/json", 413),
}
ALREADY_COVERED = {("shopper login", "invalid JSON"), ("create user", "over 1 MB")}
CASES = [
    (endpoint, body)
    for endpoint, body in itertools.product(
        ["create user", "create login", "reset password", "shopper login"], BAD_BODIES
    )
    if (endpoint, body) not in ALREADY_COVERED
]


@pytest.mark.parametrize(("endpoint", "body"), CASES)
def test_every_write_endpoint_refuses_every_bad_body_with_a_json_api_error(
    store: RunningSandbox, admin: str, endpoint: str, body: str
) -> None:
    method, path = write_endpoints(store, admin)[endpoint]
    raw, content_type, status = BAD_BODIES[body]
    token = admin if endpoint != "shopper login" else SandboxClient(store).token("implicit")
    headers = {"Authorization": f"Bearer {token}"}
    if content_type:
        headers["Content-Type"] = content_type
    reply = requests.request(method, store.url + path, data=raw, headers=headers, timeout=30)
    error_of(reply, status)


@pytest.mark.parametrize(
    ("content_type", "raw", "status"),
    [
        ("application/json", b'{"grant_type": "implicit", "client_id": "demo-client-id"}', 415),
        ("text/plain", b"grant_type=implicit&client_id=demo-client-id", 415),
        ("application/x-www-form-urlencoded", b"grant_type=" + b"x" * ONE_MEGABYTE, 413),
        ("application/x-www-form-urlencoded", b"\xff\xfe=\x00", 400),
    ],
)
def test_the_token_endpoint_refuses_bad_bodies_with_a_json_api_error(
    store: RunningSandbox, content_type: str, raw: bytes, status: int
) -> None:
    reply = requests.post(
        f"{store.url}/oauth/access_token",
        data=raw,
        headers={"Content-Type": content_type},
        timeout=30,
    )
    error_of(reply, status)


METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    "path",
    ["/v3/settings", "/v2/accounts", "/oauth/access_token/x", "/%00", "/" + "a" * 4000],
)
def test_unknown_paths_are_404_for_every_method(
    store: RunningSandbox, admin: str, method: str, path: str
) -> None:
    reply = requests.request(
        method, store.url + path, headers={"Authorization": f"Bearer {admin}"}, timeout=30
    )
    error_of(reply, 404)


def known_paths(store: RunningSandbox, admin: str) -> dict[str, set[str]]:
    """Every route and the methods it takes (HEAD comes with GET)."""
    api = SandboxClient(store)
    return {
        "/oauth/access_token": {"POST"},
        "/v2/settings/account-authentication": {"GET"},
        f"/v2/authentication-realms/{store.seed.realm_id}/password-profiles": {"GET"},
        "/v2/account-members/tokens": {"POST"},
        api.users_path(): {"GET", "POST"},
        api.users_path(BOB_ID): {"GET"},
        api.logins_path(BOB_ID): {"GET", "POST"},
        ron_login_path(store, admin): {"GET", "PUT"},
        "/v2/account-members": {"GET"},
        "/v2/accounts/9e140a30-9dba-4152-9ca6-bef0f63be201": {"GET"},
    }


def test_every_route_answers_405_to_the_methods_it_does_not_take(
    store: RunningSandbox, admin: str
) -> None:
    checked = 0
    for path, allowed in known_paths(store, admin).items():
        for method in set(METHODS) - allowed:
            reply = requests.request(
                method, store.url + path, headers={"Authorization": f"Bearer {admin}"}, timeout=30
            )
            error = error_of(reply, 405)
            assert method in error["detail"]
            checked += 1
    assert checked == 47  # 10 routes × 6 methods, less the 13 they take


# ----------------------------------------------------------------------------------- load


@dataclass(frozen=True)
class Created:
    user_id: str
    email: str
    username: str
    password: str


class Traffic:
    """One thread's share: cycles through eight kinds of request, recording every status."""

    def __init__(self, store: RunningSandbox, admin: str, index: int) -> None:
        self.api = SandboxClient(store)
        self.admin = admin
        self.index = index
        self.shopper = self.api.token("implicit")
        self.statuses: Counter[tuple[str, int]] = Counter()
        self.unexpected: list[str] = []
        self.created: list[Created] = []
        self._user: tuple[str, str] | None = None

    def run(self) -> None:
        for n in range(REQUESTS_PER_THREAD):
            self.send(n)

    def _record(self, kind: str, reply: requests.Response, expected: int) -> None:
        self.statuses[(kind, reply.status_code)] += 1
        if reply.status_code != expected:
            self.unexpected.append(f"{kind}: {reply.status_code} {reply.text[:200]}")

    def send(self, n: int) -> None:
        api, admin, cycle = self.api, self.admin, n // KINDS
        kind = n % KINDS
        if kind == 0:
            grant = "implicit" if cycle % 2 else "client_credentials"
            form = {"grant_type": grant, "client_id": api.sandbox.seed.client_id}
            if grant == "client_credentials":
                form["client_secret"] = api.sandbox.seed.client_secret
            reply = api.session.post(f"{api.url}/oauth/access_token", data=form, timeout=30)
            self._record("token", reply, 200)
        elif kind == 1:
            self._record("settings", api.get("/v2/settings/account-authentication", admin), 200)
        elif kind == 2:
            path = f"/v2/authentication-realms/{api.realm}/password-profiles"
            self._record("profiles", api.get(path, self.shopper), 200)
        elif kind == 3:
            reply = api.login("ron@swanson.com", "pawnee-parks-1", token=self.shopper)
            self._record("shopper login", reply, 201)
        elif kind == 4:
            email = f"load-{self.index}-{cycle}@example.com"
            body = {"data": {"type": "user_authentication_info", "name": email, "email": email}}
            reply = api.post(api.users_path(), admin, body)
            self._record("create user", reply, 201)
            if reply.status_code == 201:
                self._user = (reply.json()["data"]["id"], email)
        elif kind == 5:
            reply = api.get(api.users_path(), admin, params={"filter": "like(email,load-*)"})
            self._record("user search", reply, 200)
        elif kind == 6 and self._user is not None:
            user_id, email = self._user
            username, password = f"load-{self.index}-{cycle}", f"secret-{uuid.uuid4().hex}"
            body = login_body(DEMO_SHOPPER_PROFILE_ID, username, password)
            reply = api.post(api.logins_path(user_id), admin, body)
            self._record("create login", reply, 201)
            if reply.status_code == 201:
                self.created.append(Created(user_id, email, username, password))
        elif kind == 7 and self._user is not None:
            self._record("list logins", api.get(api.logins_path(self._user[0]), admin), 200)


def run_threads(targets: list[Callable[[], None]]) -> None:
    errors: list[BaseException] = []

    def guarded(target: Callable[[], None]) -> None:
        try:
            target()
        except BaseException as error:  # a thread's failure must fail the test
            errors.append(error)

    threads = [threading.Thread(target=guarded, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not [t for t in threads if t.is_alive()]
    assert errors == []


def test_eight_threads_of_mixed_traffic_leave_a_consistent_store() -> None:
    with start_sandbox() as store:
        admin = SandboxClient(store).token()
        traffic = [Traffic(store, admin, index) for index in range(THREADS)]
        run_threads([t.run for t in traffic])

        statuses = sum((t.statuses for t in traffic), Counter())
        assert sum(statuses.values()) == THREADS * REQUESTS_PER_THREAD
        assert [key for key in statuses if key[1] >= 500] == []
        assert [u for t in traffic for u in t.unexpected] == []
        per_kind = Counter(kind for kind, _status in statuses.elements())
        cycles = REQUESTS_PER_THREAD // KINDS
        assert set(per_kind.values()) == {THREADS * cycles}  # every kind, equally often

        created = [c for t in traffic for c in t.created]
        assert len(created) == THREADS * cycles
        api = SandboxClient(store)
        users = api.get(api.users_path(), admin, params={"filter": "like(email,load-*)"}).json()
        assert users["meta"]["results"]["total"] == len(created)
        shopper = api.token("implicit")
        for login in created:
            listed = api.get(api.logins_path(login.user_id), admin).json()["data"]
            assert [entry["username"] for entry in listed] == [login.username]
            reply = api.login(login.username, login.password, token=shopper)
            assert reply.status_code == 201, reply.text
            assert reply.json()["meta"]["account_member_id"] == login.user_id
        assert api.login("ron@swanson.com", "pawnee-parks-1").status_code == 201


def create_login(
    store: RunningSandbox,
    admin: str,
    user_id: str,
    username: str,
    start: threading.Barrier,
    replies: dict[str, requests.Response],
) -> None:
    """One contender: a login for ``user_id`` whose password names it, sent on the barrier."""
    client = SandboxClient(store)
    password = f"password-{user_id}"
    body = login_body(DEMO_EMAIL_PROFILE_ID, username, password)
    start.wait(10)
    replies[password] = client.post(client.logins_path(user_id), admin, body)


def test_two_creates_of_one_username_race_and_exactly_one_wins() -> None:
    with start_sandbox() as store:
        api = SandboxClient(store)
        admin = api.token()
        for race in range(RACES):
            contenders = []
            for side in ("a", "b"):
                email = f"race-{race}-{side}@example.com"
                body = {"data": {"type": "user_authentication_info", "name": side, "email": email}}
                contenders.append(api.post(api.users_path(), admin, body).json()["data"]["id"])
            username = f"race-{race}@example.com"
            start = threading.Barrier(2)
            replies: dict[str, requests.Response] = {}
            run_threads(
                [
                    functools.partial(create_login, store, admin, user_id, username, start, replies)
                    for user_id in contenders
                ]
            )
            statuses = sorted(reply.status_code for reply in replies.values())
            assert statuses == [201, 409], f"race {race}: {statuses}"
            (winner,) = [p for p, reply in replies.items() if reply.status_code == 201]
            (loser,) = [reply for reply in replies.values() if reply.status_code == 409]
            assert "already exists" in error_of(loser, 409)["detail"]
            logged_in = api.login(username, winner, DEMO_EMAIL_PROFILE_ID)
            assert logged_in.status_code == 201
            assert f"password-{logged_in.json()['meta']['account_member_id']}" == winner
