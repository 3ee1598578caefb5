"""Giving a shopper a password login: find them, create it, reset it, log in with it."""

from __future__ import annotations

import threading

import pytest

from desktop_app.api.client import CommerceClient
from desktop_app.api.errors import (
    ConflictError,
    NotFound,
    PermissionDenied,
    ShopperAuthenticationError,
    ValidationError,
)
from desktop_app.api.login_rules import (
    confirmation_problem,
    password_problem,
    username_problem,
)
from desktop_app.api.models import PasswordProfile
from desktop_app.api.user_logins import create_login, list_logins, reset_password, search_users
from desktop_app.sandbox import RunningSandbox
from desktop_app.sandbox.seed import (
    BOB_ID,
    DEMO_EMAIL_PROFILE_ID,
    DEMO_REALM_ID,
    DEMO_SHOPPER_PROFILE_ID,
    RON_ID,
)
from tests.conftest import make_client

SHOPPER = PasswordProfile(DEMO_SHOPPER_PROFILE_ID, "Shopper logins", "any")
EMAIL = PasswordProfile(DEMO_EMAIL_PROFILE_ID, "Email logins", "email")


def test_search_by_email_finds_exactly_that_user(client: CommerceClient) -> None:
    (bob,) = search_users(client, DEMO_REALM_ID, "bob@belcher.com")
    assert (bob.id, bob.name, bob.email) == (BOB_ID, "Bob Belcher", "bob@belcher.com")


def test_search_by_part_of_a_name_or_email(client: CommerceClient) -> None:
    assert [u.id for u in search_users(client, DEMO_REALM_ID, "bob")] == [BOB_ID]
    assert [u.id for u in search_users(client, DEMO_REALM_ID, "SWANSON")] == [RON_ID]
    assert search_users(client, DEMO_REALM_ID, "nobody-like-this") == ()
    assert search_users(client, DEMO_REALM_ID, "   ") == ()


def test_bob_has_no_logins_and_ron_has_one(client: CommerceClient) -> None:
    assert list_logins(client, DEMO_REALM_ID, BOB_ID) == ()
    (login,) = list_logins(client, DEMO_REALM_ID, RON_ID)
    assert (login.username, login.password_profile_id) == ("ron@swanson.com", SHOPPER.id)


def test_a_created_login_works_at_once(client: CommerceClient) -> None:
    login = create_login(client, DEMO_REALM_ID, BOB_ID, SHOPPER, "bob", "burgers-1234")
    assert (login.username, login.password_profile_id, login.user_id) == ("bob", SHOPPER.id, BOB_ID)
    assert login.created_at is not None
    assert [entry.id for entry in list_logins(client, DEMO_REALM_ID, BOB_ID)] == [login.id]
    result = client.login_shopper(SHOPPER.id, "bob", "burgers-1234")
    assert [t.account_name for t in result.tokens] == ["Bob's Burgers"]


def test_a_duplicate_username_is_a_conflict_in_plain_words(client: CommerceClient) -> None:
    with pytest.raises(ConflictError) as caught:
        create_login(client, DEMO_REALM_ID, BOB_ID, SHOPPER, "RON@swanson.com", "whatever-123")
    assert str(caught.value) == "That username already exists in this password profile."
    assert caught.value.status == 409


def test_a_reset_password_replaces_the_old_one(client: CommerceClient) -> None:
    (login,) = list_logins(client, DEMO_REALM_ID, RON_ID)
    reset_password(client, DEMO_REALM_ID, login, "brand-new-pass")
    assert len(client.login_shopper(SHOPPER.id, "ron@swanson.com", "brand-new-pass").tokens) == 3
    with pytest.raises(ShopperAuthenticationError):
        client.login_shopper(SHOPPER.id, "ron@swanson.com", "pawnee-parks-1")


@pytest.mark.parametrize(
    ("username", "password", "profile", "message"),
    [
        ("bob", "short", SHOPPER, "at least 8 characters"),
        ("", "long-enough-1", SHOPPER, "Enter a username"),
        ("bob belcher", "long-enough-1", SHOPPER, "cannot contain spaces"),
        ("bob", "long-enough-1", EMAIL, "needs an email address"),
    ],
)
def test_bad_input_is_refused_before_sending(
    sandbox: RunningSandbox,
    client: CommerceClient,
    username: str,
    password: str,
    profile: PasswordProfile,
    message: str,
) -> None:
    sandbox.reset_request_log()
    with pytest.raises(ValidationError, match=message):
        create_login(client, DEMO_REALM_ID, BOB_ID, profile, username, password)
    assert sandbox.request_log == []


def test_unknown_user_and_profile_are_named(client: CommerceClient) -> None:
    ghost = "00000000-0000-4000-8000-000000000000"
    with pytest.raises(NotFound, match="That user was not found"):
        create_login(client, DEMO_REALM_ID, ghost, SHOPPER, "ghost", "long-enough-1")
    with pytest.raises(NotFound, match="That password profile was not found"):
        create_login(
            client,
            DEMO_REALM_ID,
            BOB_ID,
            PasswordProfile(ghost, "Gone", "any"),
            "bob",
            "long-enough-1",
        )
    with pytest.raises(NotFound, match="authentication realm was not found"):
        list_logins(client, ghost, BOB_ID)


def test_without_a_secret_the_stores_403_says_an_admin_key_is_needed(
    sandbox: RunningSandbox,
) -> None:
    client = make_client(sandbox, secret=False)
    with pytest.raises(PermissionDenied, match="has only a client ID") as caught:
        create_login(client, DEMO_REALM_ID, BOB_ID, SHOPPER, "bob", "burgers-1234")
    assert caught.value.status == 403
    with pytest.raises(PermissionDenied, match="Admin role"):
        search_users(client, DEMO_REALM_ID, "bob")


def test_a_403_names_the_support_role_limitation(sandbox: RunningSandbox) -> None:
    client = make_client(sandbox)
    sandbox.fail_next(403, "/v2/authentication-realms")
    with pytest.raises(PermissionDenied, match="Support-role key cannot manage authentication"):
        create_login(client, DEMO_REALM_ID, BOB_ID, SHOPPER, "bob", "burgers-1234")


def test_a_400_shows_the_stores_detail(sandbox: RunningSandbox) -> None:
    client = make_client(sandbox)
    sandbox.fail_next(400, "/v2/authentication-realms")
    with pytest.raises(ValidationError, match="The store rejected the new login") as caught:
        create_login(client, DEMO_REALM_ID, BOB_ID, SHOPPER, "bob", "burgers-1234")
    assert caught.value.detail


def test_two_agents_creating_the_same_username_at_once(sandbox: RunningSandbox) -> None:
    outcomes: list[object] = []

    def create() -> None:
        client = make_client(sandbox)
        try:
            outcomes.append(
                create_login(client, DEMO_REALM_ID, BOB_ID, SHOPPER, "bob", "burgers-1234")
            )
        except ConflictError as error:
            outcomes.append(error)

    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert sorted(type(o).__name__ for o in outcomes) == ["ConflictError", "PasswordLogin"]


def test_password_never_reaches_the_log(
    client: CommerceClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    create_login(client, DEMO_REALM_ID, BOB_ID, SHOPPER, "bob", "burgers-1234")
    assert "burgers-1234" not in caplog.text
    assert "POST /v2/authentication-realms/" in caplog.text


def test_rules_shared_with_the_form() -> None:
    assert password_problem("12345678") is None
    assert confirmation_problem("abcdefgh", "abcdefgh") is None
    assert confirmation_problem("abcdefgh", "abcdefgX") == "The two passwords do not match."
    assert confirmation_problem("abcdefgh", "") == "Type the password again to confirm it."
    assert username_problem("bob@belcher.com", EMAIL) is None


@pytest.mark.parametrize("status", [409, 422])
def test_a_conflict_on_reset_is_not_called_a_duplicate_username(
    sandbox: RunningSandbox, client: CommerceClient, status: int
) -> None:
    (login,) = list_logins(client, DEMO_REALM_ID, RON_ID)
    sandbox.fail_next(status, "/v2/authentication-realms")
    with pytest.raises(ConflictError) as caught:
        reset_password(client, DEMO_REALM_ID, login, "brand-new-pass")
    assert str(caught.value) == "The store refused the new password for this login."
