"""The sandbox's WSGI application: the documented Commerce API endpoints over an in-memory store.

Every reply follows the wire format in docs/commerce-api.md, including its "Sandbox choice"
lines, because the app's client is tested against this server and must meet the same shapes
in production. Whatever goes wrong inside a request becomes a JSON:API error: a client that
can parse our errors must never be handed a traceback page.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from desktop_app.sandbox.controls import Controls
from desktop_app.sandbox.jsonapi import (
    ApiError,
    PageRequest,
    error_response,
    json_response,
    rfc3339,
)
from desktop_app.sandbox.seed import PasswordProfile, Seed, looks_like_email
from desktop_app.sandbox.state import Conflict, LoginRecord, Store, UserRecord
from desktop_app.sandbox.tokens import (
    GRANT_CLIENT_CREDENTIALS,
    GRANT_IMPLICIT,
    AccountTokenError,
    AccountTokens,
    BearerProblem,
    BearerToken,
    BearerTokens,
)

MAX_BODY_BYTES = 1024 * 1024
MIN_PASSWORD_LENGTH = 8
ACCOUNT_TOKEN_HEADER = "EP-Account-Management-Authentication-Token"
JSON_BODY_MIMETYPES = ("application/json", "application/vnd.api+json")
FORM_MIMETYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
TOKEN_TYPE = "account_management_authentication_token"
LOGIN_TYPE = "user_authentication_password_profile_info"
USER_TYPE = "user_authentication_info"
_FILTER = re.compile(r"^(eq|like)\((email|name),([^)]*)\)$")

_log = logging.getLogger(__name__)

_REALM = "/v2/authentication-realms/<realm_id>"
_USERS = f"{_REALM}/user-authentication-info"
_LOGINS = f"{_USERS}/<user_id>/user-authentication-password-profile-info"


class _SandboxRequest(Request):
    """Caps bodies at 1 MB, as the real API caps its request size.

    werkzeug stops a chunked body silently at ``max_content_length``, so the cap is one byte
    more than allowed: a body that reaches it is known to be too large (see ``_json_data``).
    """

    max_content_length = MAX_BODY_BYTES + 1
    max_form_memory_size = MAX_BODY_BYTES


class SandboxApp:
    """One store's API. Thread-safe: the server calls it from one thread per request."""

    def __init__(self, seed: Seed, controls: Controls) -> None:
        self.seed = seed
        self.controls = controls
        self.store = Store(seed, time.time())
        self.bearers = BearerTokens()
        self.account_tokens = AccountTokens(
            store_id=seed.store_id,
            realm_id=seed.realm_id,
            lifetime_seconds=seed.account_token_timeout_secs,
        )
        self._settings_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"settings:{seed.store_id}"))
        handlers: dict[str, Callable[..., Response]] = {
            "access_token": self._access_token,
            "settings": self._settings,
            "password_profiles": self._password_profiles,
            "account_tokens": self._account_member_tokens,
            "list_users": self._list_users,
            "create_user": self._create_user,
            "get_user": self._get_user,
            "list_logins": self._list_logins,
            "create_login": self._create_login,
            "get_login": self._get_login,
            "update_login": self._update_login,
            "account_members": self._account_members,
            "get_account": self._get_account,
        }
        self._handlers = handlers
        self._url_map = Map(
            [
                Rule("/oauth/access_token", methods=["POST"], endpoint="access_token"),
                Rule("/v2/settings/account-authentication", methods=["GET"], endpoint="settings"),
                Rule(f"{_REALM}/password-profiles", methods=["GET"], endpoint="password_profiles"),
                Rule("/v2/account-members/tokens", methods=["POST"], endpoint="account_tokens"),
                Rule(_USERS, methods=["GET"], endpoint="list_users"),
                Rule(_USERS, methods=["POST"], endpoint="create_user"),
                Rule(f"{_USERS}/<user_id>", methods=["GET"], endpoint="get_user"),
                Rule(_LOGINS, methods=["GET"], endpoint="list_logins"),
                Rule(_LOGINS, methods=["POST"], endpoint="create_login"),
                Rule(f"{_LOGINS}/<login_id>", methods=["GET"], endpoint="get_login"),
                Rule(f"{_LOGINS}/<login_id>", methods=["PUT"], endpoint="update_login"),
                Rule("/v2/account-members", methods=["GET"], endpoint="account_members"),
                Rule("/v2/accounts/<account_id>", methods=["GET"], endpoint="get_account"),
            ],
            strict_slashes=False,
            merge_slashes=False,
        )

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        request = _SandboxRequest(environ)
        response = self._respond(request)
        self.controls.log_request(request.method, request.path, response.status_code)
        return response(environ, start_response)

    def _respond(self, request: Request) -> Response:
        latency_ms = self.controls.latency_ms
        if latency_ms:
            time.sleep(latency_ms / 1000)
        fault = self.controls.take_fault(request.path)
        if fault is not None:
            return fault_response(fault)
        try:
            if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
                raise ApiError(413, f"request body is larger than {MAX_BODY_BYTES} bytes")
            adapter = self._url_map.bind_to_environ(request.environ)
            endpoint, args = adapter.match()
            return self._handlers[endpoint](request, **args)
        except ApiError as exc:
            return error_response(exc.status, exc.detail, exc.headers)
        except HTTPException as exc:
            status = exc.code or 500
            return error_response(status, _http_exception_detail(exc, request))
        except Exception:
            _log.exception("sandbox bug while answering %s %s", request.method, request.path)
            return error_response(500, "the sandbox failed unexpectedly; see its log")

    # --- 1. access tokens -------------------------------------------------------------------

    def _access_token(self, request: Request) -> Response:
        # An empty POST has no Content-Type; it is a request with missing fields (400).
        if request.mimetype and request.mimetype not in FORM_MIMETYPES:
            raise ApiError(415, "the token request must be form-encoded (x-www-form-urlencoded)")
        form = request.form
        grant_type = form.get("grant_type")
        client_id = form.get("client_id")
        if not grant_type:
            raise ApiError(400, "grant_type is required")
        if grant_type not in (GRANT_CLIENT_CREDENTIALS, GRANT_IMPLICIT):
            raise ApiError(400, f"unsupported grant_type {grant_type!r}")
        if not client_id:
            raise ApiError(400, "client_id is required")
        if grant_type == GRANT_CLIENT_CREDENTIALS:
            secret = form.get("client_secret")
            if not secret:
                raise ApiError(400, "client_secret is required for client_credentials")
            if client_id != self.seed.client_id or secret != self.seed.client_secret:
                raise ApiError(401, "invalid client_id or client_secret")
        elif client_id != self.seed.client_id:
            raise ApiError(401, "invalid client_id")
        lifetime = self.controls.access_token_lifetime_seconds
        token = self.bearers.issue(grant_type, lifetime)
        return json_response(
            {
                "access_token": token.token,
                "token_type": "Bearer",
                "identifier": grant_type,
                "expires_in": lifetime,
                "expires": token.expires_at,
            }
        )

    def _bearer(self, request: Request) -> BearerToken:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, "missing 'Authorization: Bearer <access token>' header")
        found = self.bearers.check(token.strip())
        if found is BearerProblem.EXPIRED:
            raise ApiError(401, "the access token has expired; request a new one")
        if found is BearerProblem.UNKNOWN:
            raise ApiError(401, "the access token is not valid for this store")
        return found

    def _admin_bearer(self, request: Request) -> BearerToken:
        token = self._bearer(request)
        if token.grant_type != GRANT_CLIENT_CREDENTIALS:
            raise ApiError(
                403,
                "this call needs a client_credentials access token; "
                "an implicit token may not manage authentication realm users or passwords",
            )
        return token

    # --- 3, 4. settings and password profiles ------------------------------------------------

    def _settings(self, request: Request) -> Response:
        self._bearer(request)
        realm_id = self.seed.realm_id
        return json_response(
            {
                "data": {
                    "id": self._settings_id,
                    "type": "account_authentication_settings",
                    "enable_self_signup": False,
                    "auto_create_account_for_account_members": False,
                    "account_member_self_management": "disabled",
                    "account_management_authentication_token_timeout_secs": (
                        self.account_tokens.lifetime_seconds
                    ),
                    "relationships": {
                        "authentication_realm": {
                            "data": {
                                "id": realm_id,
                                "type": "authentication_realm",
                                "links": {
                                    "self": f"{_root(request)}/v2/authentication-realms/{realm_id}"
                                },
                            }
                        }
                    },
                    "meta": {"client_id": "account-management"},
                }
            }
        )

    def _password_profiles(self, request: Request, realm_id: str) -> Response:
        self._bearer(request)
        self._realm(realm_id)
        items = [
            {
                "id": p.id,
                "type": "password_profile",
                "name": p.name,
                "username_format": p.username_format,
                "enable_one_time_password_token": p.enable_one_time_password_token,
            }
            for p in self.store.profiles()
        ]
        return self._page_response(request, items)

    # --- 5. shopper login -------------------------------------------------------------------

    def _account_member_tokens(self, request: Request) -> Response:
        self._bearer(request)
        page = PageRequest.from_query(request.args)
        data = _json_data(request)
        if data.get("type") != TOKEN_TYPE:
            raise ApiError(400, f"data.type must be '{TOKEN_TYPE}'")
        if data.get("authentication_mechanism") != "password":
            raise ApiError(400, "data.authentication_mechanism must be 'password'")
        profile_id = _required_str(data, "password_profile_id")
        username = _required_str(data, "username")
        password = _required_str(data, "password")
        self._profile(profile_id)
        member_id = self.store.authenticate(profile_id, username, password)
        if member_id is None:
            raise ApiError(401, "authentication failed")
        accounts = self.store.accounts_of(member_id)
        issued_at = int(time.time())
        expires = rfc3339(issued_at + self.account_tokens.lifetime_seconds)
        items = [
            {
                "type": TOKEN_TYPE,
                "account_id": account.id,
                "account_name": account.name,
                "token": self.account_tokens.sign(member_id, account.id, issued_at),
                "expires": expires,
            }
            for account in page.slice(accounts)
        ]
        meta, links = page.meta_and_links(len(accounts), _base_url(request), request.args)
        meta["account_member_id"] = member_id
        return json_response({"data": items, "meta": meta, "links": links}, 201)

    # --- 6. users (user-authentication-info) --------------------------------------------------

    def _list_users(self, request: Request, realm_id: str) -> Response:
        self._admin_bearer(request)
        self._realm(realm_id)
        matches = _user_filter(request.args.get("filter"))
        users = [u for u in self.store.users() if matches(u)]
        return self._page_response(request, [_user_json(u) for u in users])

    def _create_user(self, request: Request, realm_id: str) -> Response:
        self._admin_bearer(request)
        self._realm(realm_id)
        data = _json_data(request)
        if data.get("type") != USER_TYPE:
            raise ApiError(400, f"data.type must be '{USER_TYPE}'")
        name = _required_str(data, "name")
        email = _required_str(data, "email")
        if not looks_like_email(email):
            raise ApiError(400, f"data.email {email!r} is not an email address")
        user = self.store.create_user(name, email, time.time())
        return json_response(
            {"data": _user_json(user), "links": {"self": f"{_base_url(request)}/{user.id}"}}, 201
        )

    def _get_user(self, request: Request, realm_id: str, user_id: str) -> Response:
        self._admin_bearer(request)
        self._realm(realm_id)
        user = self._user(user_id)
        return json_response({"data": _user_json(user), "links": {"self": _base_url(request)}})

    # --- 7. logins (user-authentication-password-profile-info) --------------------------------

    def _list_logins(self, request: Request, realm_id: str, user_id: str) -> Response:
        self._admin_bearer(request)
        self._realm(realm_id)
        self._user(user_id)
        items = [_login_json(r) for r in self.store.logins_of(user_id)]
        return self._page_response(request, items)

    def _create_login(self, request: Request, realm_id: str, user_id: str) -> Response:
        self._admin_bearer(request)
        self._realm(realm_id)
        self._user(user_id)
        data = _login_data(request)
        profile_id = _required_str(data, "password_profile_id")
        username = _required_str(data, "username")
        password = _checked_password(data)
        _check_username_format(username, self._profile(profile_id).username_format)
        try:
            login = self.store.create_login(user_id, profile_id, username, password, time.time())
        except Conflict as exc:
            raise ApiError(409, str(exc)) from None
        return json_response(
            {"data": _login_json(login), "links": {"self": f"{_base_url(request)}/{login.id}"}}, 201
        )

    def _get_login(self, request: Request, realm_id: str, user_id: str, login_id: str) -> Response:
        self._admin_bearer(request)
        self._realm(realm_id)
        self._user(user_id)
        login = self._login(user_id, login_id)
        return json_response({"data": _login_json(login), "links": {"self": _base_url(request)}})

    def _update_login(
        self, request: Request, realm_id: str, user_id: str, login_id: str
    ) -> Response:
        self._admin_bearer(request)
        self._realm(realm_id)
        self._user(user_id)
        login = self._login(user_id, login_id)
        data = _login_data(request)
        password = _checked_password(data)
        username = data.get("username")
        if username is not None:
            username = _required_str(data, "username")
            _check_username_format(username, self._profile(login.profile_id).username_format)
        try:
            updated = self.store.update_login(login, password, username, time.time())
        except Conflict as exc:
            raise ApiError(409, str(exc)) from None
        return json_response({"data": _login_json(updated), "links": {"self": _base_url(request)}})

    # --- 8. using an account token --------------------------------------------------------------

    def _account_members(self, request: Request) -> Response:
        bearer = self._bearer(request)
        claims = self._account_claims(request, bearer)
        if claims is None:
            users = self.store.users()
            return self._page_response(request, [_member_json(u) for u in users])
        member = self.store.user(str(claims.get("sub")))
        if member is None:
            raise ApiError(401, "the account token's member no longer exists")
        return json_response({"data": [_member_json(member)]})

    def _get_account(self, request: Request, account_id: str) -> Response:
        bearer = self._bearer(request)
        claims = self._account_claims(request, bearer)
        account = self.store.account(account_id)
        if account is None:
            raise ApiError(404, f"account {account_id} not found")
        if claims is not None and claims.get("scope") != account_id:
            raise ApiError(
                403, f"the account token is for account {claims.get('scope')}, not {account_id}"
            )
        return json_response(
            {
                "data": {
                    "id": account.id,
                    "type": "account",
                    "name": account.name,
                    "legal_name": account.name,
                    "links": {"self": _base_url(request)},
                }
            }
        )

    def _account_claims(self, request: Request, bearer: BearerToken) -> dict[str, Any] | None:
        """Verified JWT claims, or None for an admin call made without an account token.

        A shopper-side (implicit) call has no other identity, so it must carry the token.
        """
        token = request.headers.get(ACCOUNT_TOKEN_HEADER)
        if token is None:
            if bearer.grant_type == GRANT_CLIENT_CREDENTIALS:
                return None
            raise ApiError(401, f"the {ACCOUNT_TOKEN_HEADER} header is required")
        try:
            return self.account_tokens.verify(token.strip())
        except AccountTokenError as exc:
            raise ApiError(401, str(exc)) from None

    # --- lookups shared by the endpoints ------------------------------------------------------

    def _realm(self, realm_id: str) -> None:
        if realm_id != self.seed.realm_id:
            raise ApiError(404, f"authentication realm {realm_id} not found")

    def _profile(self, profile_id: str) -> PasswordProfile:
        profile = self.store.profile(profile_id)
        if profile is None:
            raise ApiError(404, f"password profile {profile_id} not found in this realm")
        return profile

    def _user(self, user_id: str) -> UserRecord:
        user = self.store.user(user_id)
        if user is None:
            raise ApiError(404, f"user-authentication-info {user_id} not found in this realm")
        return user

    def _login(self, user_id: str, login_id: str) -> LoginRecord:
        login = self.store.login(user_id, login_id)
        if login is None:
            raise ApiError(
                404, f"user-authentication-password-profile-info {login_id} not found for this user"
            )
        return login

    def _page_response(self, request: Request, items: list[dict[str, Any]]) -> Response:
        page = PageRequest.from_query(request.args)
        meta, links = page.meta_and_links(len(items), _base_url(request), request.args)
        return json_response({"data": page.slice(items), "meta": meta, "links": links})


def fault_response(status: int) -> Response:
    """An injected failure shaped like what proxies and gateways really send for that status."""
    if status == 500:
        response = Response(
            "<html><body><h1>500 Internal Server Error</h1></body></html>",
            status=500,
            mimetype="text/html",
        )
    elif status == 502:
        response = Response(b"", status=502)
    else:
        retry = {"Retry-After": "1"} if status in (429, 503) else None
        return error_response(status, f"injected {status} fault (sandbox fail_next)", retry)
    response.headers["X-Request-ID"] = str(uuid.uuid4())
    return response


def _http_exception_detail(exc: HTTPException, request: Request) -> str:
    if exc.code == 404:
        return f"no such endpoint: {request.path}"
    if exc.code == 405:
        return f"{request.method} is not allowed on {request.path}"
    if exc.code == 413:
        return f"request body is larger than {MAX_BODY_BYTES} bytes"
    return exc.description or exc.name


def _root(request: Request) -> str:
    return request.host_url.rstrip("/")


def _base_url(request: Request) -> str:
    return f"{_root(request)}{request.path}"


def _json_data(request: Request) -> dict[str, Any]:
    """The ``data`` object of a JSON:API body, with 415/400 for the wrong media type or shape."""
    if request.mimetype not in JSON_BODY_MIMETYPES:
        raise ApiError(415, "Content-Type must be application/json")
    raw = request.get_data()
    if len(raw) > MAX_BODY_BYTES:
        raise ApiError(413, f"request body is larger than {MAX_BODY_BYTES} bytes")
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: [[[[… nested past Python's limit
        raise ApiError(400, "request body is not valid JSON") from None
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        raise ApiError(400, "request body must be a JSON object with a 'data' object")
    return body["data"]


def _login_data(request: Request) -> dict[str, Any]:
    data = _json_data(request)
    if data.get("type") != LOGIN_TYPE:
        raise ApiError(
            400, f"data.type must be '{LOGIN_TYPE}' (with underscores), got {data.get('type')!r}"
        )
    return data


def _required_str(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if value is None:
        raise ApiError(400, f"data.{key} is required")
    if not isinstance(value, str) or not value:
        raise ApiError(400, f"data.{key} must be a non-empty string")
    return value


def _checked_password(data: dict[str, Any]) -> str:
    password = _required_str(data, "password")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ApiError(400, f"data.password must be at least {MIN_PASSWORD_LENGTH} characters")
    return password


def _check_username_format(username: str, username_format: str) -> None:
    if username_format == "email" and not looks_like_email(username):
        raise ApiError(
            400,
            f"data.username {username!r} must be an email address: "
            "this password profile's username_format is 'email'",
        )


def _user_filter(expression: str | None) -> Callable[[UserRecord], bool]:
    """The documented ``eq``/``like`` filters on email and name, case-insensitive.

    Anything else is refused rather than ignored, so a typo in a filter never silently
    returns every user.
    """
    if expression is None:
        return lambda _user: True
    found = _FILTER.match(expression.strip())
    if found is None:
        raise ApiError(
            400,
            f"unsupported filter {expression!r}: use eq(email,…), eq(name,…), "
            "like(email,…) or like(name,…)",
        )
    operator, field, value = found.groups()
    value = value.strip().strip('"').lower()
    if operator == "eq":
        return lambda user: getattr(user, field).lower() == value
    pattern = re.compile(".*".join(re.escape(part) for part in value.split("*")), re.IGNORECASE)
    return lambda user: pattern.fullmatch(getattr(user, field)) is not None


def _user_json(user: UserRecord) -> dict[str, Any]:
    return {
        "id": user.id,
        "type": USER_TYPE,
        "name": user.name,
        "email": user.email,
        "meta": {
            "creation_status": "COMPLETE",
            "created_at": rfc3339(user.created_at),
            "updated_at": rfc3339(user.updated_at),
        },
    }


def _member_json(user: UserRecord) -> dict[str, Any]:
    return {"id": user.id, "type": "account_member", "name": user.name, "email": user.email}


def _login_json(login: LoginRecord) -> dict[str, Any]:
    """Never includes the password: the real API does not return it either."""
    return {
        "id": login.id,
        "type": LOGIN_TYPE,
        "username": login.username,
        "password_profile_id": login.profile_id,
        "meta": {"created_at": rfc3339(login.created_at), "updated_at": rfc3339(login.updated_at)},
    }
