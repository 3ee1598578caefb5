"""A deliberately tiny HTTP helper for the sandbox tests.

It is *not* the app's API client (tests of the sandbox must not depend on it): just enough
``requests`` plumbing to keep each test about the wire format it checks.
"""

from __future__ import annotations

from typing import Any

import requests

from desktop_app.sandbox import RunningSandbox
from desktop_app.sandbox.seed import DEMO_SHOPPER_PROFILE_ID

JSON = {"Content-Type": "application/json"}


class SandboxClient:
    """One keep-alive session against one running sandbox."""

    def __init__(self, sandbox: RunningSandbox) -> None:
        self.sandbox = sandbox
        self.url = sandbox.url
        self.realm = sandbox.seed.realm_id
        self.session = requests.Session()

    def token(self, grant: str = "client_credentials") -> str:
        form = {"grant_type": grant, "client_id": self.sandbox.seed.client_id}
        if grant == "client_credentials":
            form["client_secret"] = self.sandbox.seed.client_secret
        reply = self.session.post(f"{self.url}/oauth/access_token", data=form, timeout=10)
        assert reply.status_code == 200, reply.text
        return str(reply.json()["access_token"])

    def get(
        self, path: str, token: str | None, headers: dict[str, str] | None = None, **kw: Any
    ) -> requests.Response:
        return self.session.get(
            self.url + path, headers=_auth(token) | (headers or {}), timeout=10, **kw
        )

    def post(self, path: str, token: str | None, body: Any, **kw: Any) -> requests.Response:
        return self.session.post(
            self.url + path, headers=_auth(token) | JSON, json=body, timeout=10, **kw
        )

    def put(self, path: str, token: str | None, body: Any) -> requests.Response:
        return self.session.put(self.url + path, headers=_auth(token) | JSON, json=body, timeout=10)

    def login(
        self,
        username: str,
        password: str,
        profile_id: str = DEMO_SHOPPER_PROFILE_ID,
        token: str | None = None,
        query: str = "",
    ) -> requests.Response:
        """POST /v2/account-members/tokens, the shopper login call."""
        body = {
            "data": {
                "type": "account_management_authentication_token",
                "authentication_mechanism": "password",
                "password_profile_id": profile_id,
                "username": username,
                "password": password,
            }
        }
        return self.post(
            f"/v2/account-members/tokens{query}", token or self.token("implicit"), body
        )

    def users_path(self, user_id: str | None = None) -> str:
        base = f"/v2/authentication-realms/{self.realm}/user-authentication-info"
        return base if user_id is None else f"{base}/{user_id}"

    def logins_path(self, user_id: str, login_id: str | None = None) -> str:
        base = f"{self.users_path(user_id)}/user-authentication-password-profile-info"
        return base if login_id is None else f"{base}/{login_id}"


def login_body(profile_id: str, username: str, password: str) -> dict[str, Any]:
    return {
        "data": {
            "type": "user_authentication_password_profile_info",
            "password_profile_id": profile_id,
            "username": username,
            "password": password,
        }
    }


def error_of(reply: requests.Response, status: int) -> dict[str, Any]:
    """Assert a JSON:API error with ``status`` and return its one error object."""
    assert reply.status_code == status, reply.text
    assert reply.headers["Content-Type"].startswith("application/json")
    errors = reply.json()["errors"]
    assert len(errors) == 1
    error: dict[str, Any] = errors[0]
    assert error["status"] == str(status)
    assert isinstance(error["title"], str)
    assert error["title"]
    assert isinstance(error["detail"], str)
    return error


def _auth(token: str | None) -> dict[str, str]:
    return {} if token is None else {"Authorization": f"Bearer {token}"}
