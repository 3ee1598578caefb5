"""user-authentication-info: finding and creating realm users (commerce-api.md §4)."""

from __future__ import annotations

import pytest

from desktop_app.sandbox.seed import BOB_ID, LESLIE_ID, RON_ID
from tests.sandbox.client import SandboxClient, error_of


def _emails(reply_json: dict[str, object]) -> list[str]:
    data = reply_json["data"]
    assert isinstance(data, list)
    return [item["email"] for item in data]


def test_list_needs_client_credentials(api: SandboxClient) -> None:
    error = error_of(api.get(api.users_path(), api.token("implicit")), 403)
    assert "client_credentials" in error["detail"]


def test_list_all_users(api: SandboxClient) -> None:
    body = api.get(api.users_path(), api.token()).json()
    assert _emails(body) == [
        "ron@swanson.com",
        "april@ludgate.com",
        "leslie@knope.com",
        "bob@belcher.com",
    ]
    item = body["data"][0]
    assert item["id"] == RON_ID
    assert item["type"] == "user_authentication_info"
    assert item["name"] == "Ron Swanson"
    assert item["meta"]["creation_status"] == "COMPLETE"
    assert item["meta"]["created_at"].endswith("Z")
    assert item["meta"]["updated_at"].endswith("Z")
    assert body["meta"]["results"] == {"total": 4}


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("eq(email,leslie@knope.com)", ["leslie@knope.com"]),
        ("eq(email,LESLIE@KNOPE.COM)", ["leslie@knope.com"]),
        ('eq(email,"bob@belcher.com")', ["bob@belcher.com"]),
        ("eq(name,Ron Swanson)", ["ron@swanson.com"]),
        ("like(email,*@swanson.com)", ["ron@swanson.com"]),
        ("like(email,*l*)", ["april@ludgate.com", "leslie@knope.com", "bob@belcher.com"]),
        ("like(name,*KNOPE)", ["leslie@knope.com"]),
        ("eq(email,nobody@example.com)", []),
    ],
)
def test_filters(api: SandboxClient, expression: str, expected: list[str]) -> None:
    reply = api.get(api.users_path(), api.token(), params={"filter": expression})
    assert reply.status_code == 200, reply.text
    assert _emails(reply.json()) == expected


@pytest.mark.parametrize(
    "expression", ["eq(id,x)", "gt(email,a)", "eq(email,a):eq(name,b)", "email=x", ""]
)
def test_unsupported_filters_are_400(api: SandboxClient, expression: str) -> None:
    reply = api.get(api.users_path(), api.token(), params={"filter": expression})
    assert "filter" in error_of(reply, 400)["detail"]


def test_filter_is_kept_in_page_links(api: SandboxClient) -> None:
    params = {"filter": "like(email,*)", "page[limit]": "1"}
    body = api.get(api.users_path(), api.token(), params=params).json()
    assert "filter=like%28email%2C%2A%29" in body["links"]["next"]
    follow = api.session.get(
        body["links"]["next"], headers={"Authorization": f"Bearer {api.token()}"}, timeout=10
    ).json()
    assert _emails(follow) == ["april@ludgate.com"]


def test_get_one_user(api: SandboxClient) -> None:
    reply = api.get(api.users_path(BOB_ID), api.token())
    assert reply.status_code == 200
    assert reply.json()["data"]["email"] == "bob@belcher.com"


def test_unknown_user_and_realm_are_404(api: SandboxClient) -> None:
    assert (
        "user-authentication-info"
        in error_of(api.get(api.users_path("nope"), api.token()), 404)["detail"]
    )
    reply = api.get(
        f"/v2/authentication-realms/nope/user-authentication-info/{LESLIE_ID}", api.token()
    )
    assert "realm" in error_of(reply, 404)["detail"]


def test_create_user_then_find_it(own_api: SandboxClient) -> None:
    token = own_api.token()
    body = {
        "data": {
            "type": "user_authentication_info",
            "name": "Tom Haverford",
            "email": "tom@entertainment720.com",
        }
    }
    reply = own_api.post(own_api.users_path(), token, body)
    assert reply.status_code == 201, reply.text
    created = reply.json()
    user_id = created["data"]["id"]
    assert created["data"]["name"] == "Tom Haverford"
    assert created["data"]["meta"]["creation_status"] == "COMPLETE"
    assert created["links"]["self"] == f"{own_api.url}{own_api.users_path(user_id)}"
    found = own_api.get(
        own_api.users_path(), token, params={"filter": "eq(email,tom@entertainment720.com)"}
    )
    assert [u["id"] for u in found.json()["data"]] == [user_id]
    members = own_api.get("/v2/account-members", token).json()
    assert user_id in [m["id"] for m in members["data"]]


@pytest.mark.parametrize(
    ("data", "word"),
    [
        ({"type": "user-authentication-info", "name": "A", "email": "a@b.co"}, "type"),
        ({"type": "user_authentication_info", "email": "a@b.co"}, "name"),
        ({"type": "user_authentication_info", "name": "A"}, "email"),
        ({"type": "user_authentication_info", "name": "A", "email": "not-an-email"}, "email"),
    ],
)
def test_create_user_validation(api: SandboxClient, data: dict[str, str], word: str) -> None:
    reply = api.post(api.users_path(), api.token(), {"data": data})
    assert word in error_of(reply, 400)["detail"]


def test_create_user_needs_client_credentials(api: SandboxClient) -> None:
    body = {"data": {"type": "user_authentication_info", "name": "A", "email": "a@b.co"}}
    error_of(api.post(api.users_path(), api.token("implicit"), body), 403)
