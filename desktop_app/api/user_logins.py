"""Finding realm users and giving them password logins (admin operations).

The store only allows these with a client_credentials token. A connection without a secret
still asks (with its implicit token), so the store's own 403 is what the agent is shown —
worded as what to change.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

from desktop_app.api.client import CommerceClient
from desktop_app.api.error_mapping import Message, StatusWording
from desktop_app.api.errors import (
    ApiError,
    BadResponse,
    ConflictError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from desktop_app.api.login_rules import (
    looks_like_email,
    password_problem,
    username_problem,
)
from desktop_app.api.models import PasswordLogin, PasswordProfile, RealmUser

LOGIN_TYPE = "user_authentication_password_profile_info"
_NEEDS_SECRET = (
    "This connection has only a client ID, so the store does not let it manage logins. "
    "Add the client secret of an API key with an Admin role to the connection."
)


def _not_found_message(detail: str | None) -> str:
    """The store's 404 detail names what is missing; say it in the agent's words."""
    text = (detail or "").lower()
    if "profile" in text:
        return "That password profile was not found in this store's realm."
    if "user" in text or "authentication-info" in text or "authentication_info" in text:
        return "That user was not found in this store's realm. Check the user ID."
    if "realm" in text:
        return "The store's authentication realm was not found. Reconnect to refresh it."
    return "The store could not find that user, password profile or login."


_DUPLICATE = "That username already exists in this password profile."


def _admin_wording(
    client: CommerceClient, action: str, conflict: str = _DUPLICATE
) -> StatusWording:
    """A 403 means a different fix with and without a secret, so it is worded for each."""
    wording: dict[int, tuple[type[ApiError], Message]] = {
        400: (ValidationError, f"The store rejected {action}."),
        404: (NotFound, _not_found_message),
        409: (ConflictError, conflict),
        422: (ConflictError, conflict),
    }
    if not client.config.has_secret:
        wording[403] = (PermissionDenied, _NEEDS_SECRET)
    return wording


def _logins_path(realm_id: str, user_id: str, login_id: str | None = None) -> str:
    path = (
        f"/v2/authentication-realms/{realm_id}/user-authentication-info/{user_id}"
        "/user-authentication-password-profile-info"
    )
    return f"{path}/{login_id}" if login_id else path


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_user(item: Any) -> RealmUser:
    if not isinstance(item, dict) or not isinstance(item.get("id"), str):
        raise BadResponse("The store's list of users had an unreadable entry.")
    return RealmUser(
        id=item["id"], name=str(item.get("name") or ""), email=str(item.get("email") or "")
    )


def parse_login(item: Any, user_id: str) -> PasswordLogin:
    if not isinstance(item, dict) or not isinstance(item.get("id"), str):
        raise BadResponse("The store's reply about a password login was unreadable.")
    meta_value = item.get("meta")
    meta: dict[str, Any] = meta_value if isinstance(meta_value, dict) else {}
    return PasswordLogin(
        id=item["id"],
        username=str(item.get("username") or ""),
        password_profile_id=str(item.get("password_profile_id") or ""),
        user_id=user_id,
        created_at=_parse_time(meta.get("created_at")),
        updated_at=_parse_time(meta.get("updated_at")),
    )


def _quote(value: str) -> str:
    """Filter values with punctuation are quoted, as the API's filter syntax allows."""
    return '"' + value.replace('"', "") + '"'


def search_users(
    client: CommerceClient,
    realm_id: str,
    text: str,
    *,
    cancelled: threading.Event | None = None,
) -> tuple[RealmUser, ...]:
    """An email finds that exact user; other text matches names and emails containing it."""
    query = text.strip()
    if not query:
        return ()
    path = f"/v2/authentication-realms/{realm_id}/user-authentication-info"
    if looks_like_email(query):
        filters = [f"eq(email,{_quote(query)})"]
    else:
        pattern = _quote(f"*{query}*")
        filters = [f"like(name,{pattern})", f"like(email,{pattern})"]
    found: dict[str, RealmUser] = {}
    for expression in filters:
        items = client.read_all_pages(
            path,
            grant=client.admin_grant,
            wording=_admin_wording(client, "the search"),
            params={"filter": expression},
            cancelled=cancelled,
        )
        for item in items:
            user = parse_user(item)
            found.setdefault(user.id, user)
    return tuple(sorted(found.values(), key=lambda u: (u.name.casefold(), u.email.casefold())))


def list_logins(
    client: CommerceClient,
    realm_id: str,
    user_id: str,
    *,
    cancelled: threading.Event | None = None,
) -> tuple[PasswordLogin, ...]:
    items = client.read_all_pages(
        _logins_path(realm_id, user_id.strip()),
        grant=client.admin_grant,
        wording=_admin_wording(client, "the request"),
        cancelled=cancelled,
    )
    return tuple(parse_login(item, user_id.strip()) for item in items)


def create_login(
    client: CommerceClient,
    realm_id: str,
    user_id: str,
    profile: PasswordProfile,
    username: str,
    password: str,
    *,
    cancelled: threading.Event | None = None,
) -> PasswordLogin:
    """Checked here as well as in the form: the rules hold for every caller."""
    user_id = user_id.strip()
    if not user_id:
        raise ValidationError("Choose the user who gets the login (or paste their user ID).")
    problem = username_problem(username, profile) or password_problem(password)
    if problem:
        raise ValidationError(problem)
    client.redact.add(password)
    body = {
        "data": {
            "type": LOGIN_TYPE,
            "password_profile_id": profile.id,
            "username": username.strip(),
            "password": password,
        }
    }
    reply = client.request(
        "POST",
        _logins_path(realm_id, user_id),
        grant=client.admin_grant,
        wording=_admin_wording(client, "the new login"),
        json_body=body,
        cancelled=cancelled,
    )
    return parse_login(client.document(reply).get("data"), user_id)


def reset_password(
    client: CommerceClient,
    realm_id: str,
    login: PasswordLogin,
    password: str,
    *,
    cancelled: threading.Event | None = None,
) -> PasswordLogin:
    problem = password_problem(password)
    if problem:
        raise ValidationError(problem)
    client.redact.add(password)
    body = {"data": {"type": LOGIN_TYPE, "password": password}}
    reply = client.request(
        "PUT",
        _logins_path(realm_id, login.user_id, login.id),
        grant=client.admin_grant,
        # a reset sends no username, so a conflict cannot be a duplicate one
        wording=_admin_wording(
            client,
            "the new password",
            conflict="The store refused the new password for this login.",
        ),
        json_body=body,
        cancelled=cancelled,
    )
    return parse_login(client.document(reply).get("data"), login.user_id)
