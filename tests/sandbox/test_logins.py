"""user-authentication-password-profile-info: giving a shopper a password (commerce-api.md §3)."""

from __future__ import annotations

import threading

import pytest
import requests

from desktop_app.sandbox.seed import (
    APRIL_ID,
    BOB_ID,
    DEMO_EMAIL_PROFILE_ID,
    DEMO_SHOPPER_PROFILE_ID,
    RON_ID,
)
from tests.sandbox.client import SandboxClient, error_of, login_body


def test_list_logins_never_shows_passwords(api: SandboxClient) -> None:
    body = api.get(api.logins_path(RON_ID), api.token()).json()
    assert [(i["username"], i["password_profile_id"]) for i in body["data"]] == [
        ("ron@swanson.com", DEMO_SHOPPER_PROFILE_ID)
    ]
    item = body["data"][0]
    assert set(item) == {"id", "type", "username", "password_profile_id", "meta"}
    assert item["type"] == "user_authentication_password_profile_info"
    assert "pawnee" not in str(body)


def test_list_logins_needs_client_credentials(api: SandboxClient) -> None:
    error_of(api.get(api.logins_path(RON_ID), api.token("implicit")), 403)


def test_give_bob_a_login_and_log_in_at_once(own_api: SandboxClient) -> None:
    token = own_api.token()
    reply = own_api.post(
        own_api.logins_path(BOB_ID), token, login_body(DEMO_SHOPPER_PROFILE_ID, "Bob", "burgers-1")
    )
    assert reply.status_code == 201, reply.text
    body = reply.json()
    data = body["data"]
    assert set(data) == {"id", "type", "username", "password_profile_id", "meta"}
    assert data["type"] == "user_authentication_password_profile_info"
    assert data["username"] == "bob"
    assert data["password_profile_id"] == DEMO_SHOPPER_PROFILE_ID
    assert data["meta"]["created_at"].endswith("Z")
    assert body["links"]["self"] == f"{own_api.url}{own_api.logins_path(BOB_ID, data['id'])}"
    assert "burgers-1" not in reply.text
    login = own_api.login("bob", "burgers-1")
    assert login.status_code == 201
    assert [a["account_name"] for a in login.json()["data"]] == ["Bob's Burgers"]
    single = own_api.get(own_api.logins_path(BOB_ID, data["id"]), token)
    assert single.json()["data"] == data


def test_create_needs_client_credentials(api: SandboxClient) -> None:
    body = login_body(DEMO_SHOPPER_PROFILE_ID, "bob", "burgers-1")
    error_of(api.post(api.logins_path(BOB_ID), api.token("implicit"), body), 403)


@pytest.mark.parametrize(
    ("change", "word"),
    [
        ({"type": "user-authentication-password-profile-info"}, "underscores"),
        ({"type": "user_authentication_info"}, "type"),
        ({"username": None}, "username"),
        ({"password": None}, "password"),
        ({"password_profile_id": None}, "password_profile_id"),
        ({"password": "short"}, "at least 8 characters"),
        ({"password_profile_id": DEMO_EMAIL_PROFILE_ID, "username": "bob"}, "email"),
    ],
)
def test_create_validation_is_400(api: SandboxClient, change: dict[str, object], word: str) -> None:
    data: dict[str, object] = login_body(DEMO_SHOPPER_PROFILE_ID, "bob", "burgers-1")["data"]
    data.update(change)
    body = {"data": {k: v for k, v in data.items() if v is not None}}
    assert word in error_of(api.post(api.logins_path(BOB_ID), api.token(), body), 400)["detail"]


def test_unknown_realm_user_or_profile_is_404_naming_it(api: SandboxClient) -> None:
    token = api.token()
    body = login_body(DEMO_SHOPPER_PROFILE_ID, "bob", "burgers-1")
    realm_path = f"/v2/authentication-realms/nope/user-authentication-info/{BOB_ID}"
    path = f"{realm_path}/user-authentication-password-profile-info"
    assert "realm" in error_of(api.post(path, token, body), 404)["detail"]
    assert (
        "user-authentication-info"
        in error_of(api.post(api.logins_path("nope"), token, body), 404)["detail"]
    )
    body = login_body("no-profile", "bob", "burgers-1")
    assert (
        "password profile"
        in error_of(api.post(api.logins_path(BOB_ID), token, body), 404)["detail"]
    )


def test_duplicate_username_is_409_naming_it(own_api: SandboxClient) -> None:
    body = login_body(DEMO_SHOPPER_PROFILE_ID, "RON@swanson.com", "another-pass")
    error = error_of(own_api.post(own_api.logins_path(BOB_ID), own_api.token(), body), 409)
    assert "ron@swanson.com" in error["detail"]


def test_second_login_in_same_profile_for_a_user_is_409(own_api: SandboxClient) -> None:
    body = login_body(DEMO_SHOPPER_PROFILE_ID, "april2", "another-pass")
    error_of(own_api.post(own_api.logins_path(APRIL_ID), own_api.token(), body), 409)


def test_same_username_in_another_profile_is_fine(own_api: SandboxClient) -> None:
    body = login_body(DEMO_EMAIL_PROFILE_ID, "ron@swanson.com", "email-login-1")
    reply = own_api.post(own_api.logins_path(RON_ID), own_api.token(), body)
    assert reply.status_code == 201
    assert (
        own_api.login("ron@swanson.com", "email-login-1", DEMO_EMAIL_PROFILE_ID).status_code == 201
    )


def test_concurrent_creates_of_one_username_give_one_201_and_one_409(
    own_api: SandboxClient,
) -> None:
    token = own_api.token()
    users = []
    for name in ("Ann Perkins", "Chris Traeger"):
        body = {
            "data": {
                "type": "user_authentication_info",
                "name": name,
                "email": f"{name[:3]}@pawnee.gov",
            }
        }
        users.append(own_api.post(own_api.users_path(), token, body).json()["data"]["id"])
    barrier = threading.Barrier(len(users))
    statuses: list[int] = []

    def create(user_id: str) -> None:
        session = requests.Session()
        barrier.wait()
        reply = session.post(
            f"{own_api.url}{own_api.logins_path(user_id)}",
            json=login_body(DEMO_SHOPPER_PROFILE_ID, "literally", "literally-1"),
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        statuses.append(reply.status_code)

    threads = [threading.Thread(target=create, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201, 409]


def test_password_reset(own_api: SandboxClient) -> None:
    token = own_api.token()
    login_id = own_api.get(own_api.logins_path(RON_ID), token).json()["data"][0]["id"]
    path = own_api.logins_path(RON_ID, login_id)
    body = {
        "data": {"type": "user_authentication_password_profile_info", "password": "new-pass-123"}
    }
    reply = own_api.put(path, token, body)
    assert reply.status_code == 200, reply.text
    assert reply.json()["data"]["username"] == "ron@swanson.com"
    assert "new-pass-123" not in reply.text
    error_of(own_api.login("ron@swanson.com", "pawnee-parks-1"), 401)
    assert own_api.login("ron@swanson.com", "new-pass-123").status_code == 201


def test_password_reset_can_rename(own_api: SandboxClient) -> None:
    token = own_api.token()
    login_id = own_api.get(own_api.logins_path(RON_ID), token).json()["data"][0]["id"]
    body = login_body(DEMO_SHOPPER_PROFILE_ID, "Duke.Silver", "saxophone-1")
    reply = own_api.put(own_api.logins_path(RON_ID, login_id), token, body)
    assert reply.json()["data"]["username"] == "duke.silver"
    assert own_api.login("duke.silver", "saxophone-1").status_code == 201
    error_of(own_api.login("ron@swanson.com", "saxophone-1"), 401)


@pytest.mark.parametrize(
    ("data", "status", "word"),
    [
        ({"type": "user_authentication_password_profile_info", "password": "short"}, 400, "8"),
        ({"type": "user_authentication_password_profile_info"}, 400, "password"),
        ({"type": "wrong", "password": "long-enough"}, 400, "type"),
        (
            {
                "type": "user_authentication_password_profile_info",
                "password": "long-enough",
                "username": "april",
            },
            409,
            "april",
        ),
    ],
)
def test_password_reset_validation(
    api: SandboxClient, data: dict[str, str], status: int, word: str
) -> None:
    token = api.token()
    login_id = api.get(api.logins_path(RON_ID), token).json()["data"][0]["id"]
    reply = api.put(api.logins_path(RON_ID, login_id), token, {"data": data})
    assert word in error_of(reply, status)["detail"]


def test_unknown_login_is_404(api: SandboxClient) -> None:
    error_of(api.get(api.logins_path(RON_ID, "nope"), api.token()), 404)
