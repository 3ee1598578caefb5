"""Finding the realm and password profiles (commerce-api.md §4)."""

from __future__ import annotations

import pytest

from desktop_app.sandbox.seed import DEMO_EMAIL_PROFILE_ID, DEMO_REALM_ID, DEMO_SHOPPER_PROFILE_ID
from tests.sandbox.client import SandboxClient, error_of


@pytest.mark.parametrize("grant", ["client_credentials", "implicit"])
def test_settings_name_the_realm(api: SandboxClient, grant: str) -> None:
    reply = api.get("/v2/settings/account-authentication", api.token(grant))
    assert reply.status_code == 200
    data = reply.json()["data"]
    assert data["type"] == "account_authentication_settings"
    assert data["id"]
    assert data["account_management_authentication_token_timeout_secs"] == 86400
    realm = data["relationships"]["authentication_realm"]["data"]
    assert realm["id"] == DEMO_REALM_ID
    assert realm["type"] == "authentication_realm"
    assert isinstance(data["meta"], dict)


@pytest.mark.parametrize("grant", ["client_credentials", "implicit"])
def test_password_profiles_list(api: SandboxClient, grant: str) -> None:
    reply = api.get(
        f"/v2/authentication-realms/{DEMO_REALM_ID}/password-profiles", api.token(grant)
    )
    assert reply.status_code == 200
    body = reply.json()
    assert body["data"] == [
        {
            "id": DEMO_SHOPPER_PROFILE_ID,
            "type": "password_profile",
            "name": "Shopper logins",
            "username_format": "any",
            "enable_one_time_password_token": False,
        },
        {
            "id": DEMO_EMAIL_PROFILE_ID,
            "type": "password_profile",
            "name": "Email logins",
            "username_format": "email",
            "enable_one_time_password_token": False,
        },
    ]
    assert body["meta"]["page"] == {"limit": 25, "offset": 0, "current": 1, "total": 1}
    assert body["meta"]["results"] == {"total": 2}
    assert body["links"]["next"] is None
    assert body["links"]["prev"] is None


def test_password_profiles_paginate(api: SandboxClient) -> None:
    path = f"/v2/authentication-realms/{DEMO_REALM_ID}/password-profiles"
    body = api.get(path, api.token(), params={"page[limit]": 1, "page[offset]": 1}).json()
    assert [p["id"] for p in body["data"]] == [DEMO_EMAIL_PROFILE_ID]
    assert body["meta"]["page"] == {"limit": 1, "offset": 1, "current": 2, "total": 2}
    assert body["links"]["next"] is None
    assert body["links"]["prev"].endswith("?page[limit]=1&page[offset]=0")


def test_password_profiles_of_unknown_realm_is_404(api: SandboxClient) -> None:
    reply = api.get("/v2/authentication-realms/nope/password-profiles", api.token())
    assert "nope" in error_of(reply, 404)["detail"]
