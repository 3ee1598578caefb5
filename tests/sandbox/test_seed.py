"""Seeds: the demo store's documented facts, validation messages, and JSON round-trips."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.sandbox import Seed, SeedError, demo_seed, load_seed
from desktop_app.sandbox.seed import (
    Account,
    PasswordProfile,
    PasswordProfileInfo,
    UserAuthenticationInfo,
)


def test_demo_seed_documented_facts() -> None:
    seed = demo_seed()
    assert (seed.client_id, seed.client_secret) == ("demo-client-id", "demo-client-secret")
    assert [(p.name, p.username_format) for p in seed.password_profiles] == [
        ("Shopper logins", "any"),
        ("Email logins", "email"),
    ]
    users = {u.email: u.id for u in seed.user_authentication_info}
    assert set(users) == {
        "ron@swanson.com",
        "april@ludgate.com",
        "leslie@knope.com",
        "bob@belcher.com",
    }
    counts = {email: sum(uid in a.members for a in seed.accounts) for email, uid in users.items()}
    assert counts == {
        "ron@swanson.com": 3,
        "april@ludgate.com": 0,
        "leslie@knope.com": 250,
        "bob@belcher.com": 1,
    }
    logins = {i.username: i.password for i in seed.password_profile_info}
    assert logins == {
        "ron@swanson.com": "pawnee-parks-1",
        "april": "no-accounts-1",
        "leslie@knope.com": "waffles-250",
    }
    assert demo_seed() == seed, "the demo seed must be the same every time"


def test_demo_seed_with_ten_thousand_accounts_is_fast_and_unique() -> None:
    start = time.perf_counter()
    seed = demo_seed(accounts=10_000)
    elapsed = time.perf_counter() - start
    ron = seed.user_authentication_info[0].id
    ron_accounts = [a for a in seed.accounts if ron in a.members]
    assert len(ron_accounts) == 10_000
    assert len({a.id for a in seed.accounts}) == len(seed.accounts)
    assert ron_accounts[0].name == "Swanson Woodworking"
    assert elapsed < 5  # generous: it takes milliseconds; per-item randomness would not


@pytest.mark.parametrize("count", [0, 1])
def test_demo_seed_with_few_accounts(count: int) -> None:
    seed = demo_seed(accounts=count)
    ron = seed.user_authentication_info[0].id
    assert len([a for a in seed.accounts if ron in a.members]) == count


@pytest.mark.parametrize("count", [-1, 10_001])
def test_demo_seed_rejects_out_of_range_accounts(count: int) -> None:
    with pytest.raises(ValueError, match="between 0 and 10000"):
        demo_seed(accounts=count)


def _valid() -> dict[str, Any]:
    return demo_seed(accounts=1).to_dict()


def _broken(path: str, value: Any) -> dict[str, Any]:
    """The valid demo dict with the item at ``path`` ("a.0.b") replaced, or deleted if ...."""
    data = _valid()
    *parents, last = path.split(".")
    target: Any = data
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    key: Any = int(last) if last.isdigit() else last
    if value is ...:
        del target[key]
    else:
        target[key] = value
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "seed must be a JSON object, got a list"),
        (_broken("client_id", ...), "seed: missing key 'client_id'"),
        (_broken("client_secret", 5), "seed.client_secret must be a string, got a number"),
        (_broken("realm_id", " "), "seed.realm_id must not be empty"),
        (
            _broken("account_token_timeout_secs", "1"),
            "seed.account_token_timeout_secs must be an integer",
        ),
        (_broken("account_token_timeout_secs", 0), "must be from 1 to"),
        (_broken("acounts", []), "seed: unknown key 'acounts'"),
        (_broken("password_profiles", {}), "seed.password_profiles must be a list, got an object"),
        (_broken("password_profiles.1", "x"), "password_profiles[1] must be a JSON object"),
        (_broken("password_profiles.1.name", ...), "password_profiles[1]: missing key 'name'"),
        (
            _broken("password_profiles.0.username_format", "phone"),
            "password_profiles[0].username_format must be one of any, email",
        ),
        (
            _broken("password_profiles.0.enable_one_time_password_token", "no"),
            "password_profiles[0].enable_one_time_password_token must be true or false",
        ),
        (
            _broken("password_profiles.1.id", "32a34cab-10d8-44a9-badc-5710b84c08b6"),
            "password_profiles[1].id '32a34cab-10d8-44a9-badc-5710b84c08b6' "
            "duplicates password_profiles[0].id",
        ),
        (
            _broken("user_authentication_info.2.email", None),
            "user_authentication_info[2].email must be a string, got null",
        ),
        (
            _broken("user_authentication_info.3.id", "b73aff2e-3681-48c6-992b-116ddfe5f397"),
            "user_authentication_info[3].id",
        ),
        (
            _broken("password_profile_info.1.user_authentication_info_id", "ghost"),
            "password_profile_info[1].user_authentication_info_id 'ghost' "
            "is not the id of any user_authentication_info",
        ),
        (
            _broken("password_profile_info.0.password_profile_id", "ghost"),
            "password_profile_info[0].password_profile_id 'ghost' "
            "is not the id of any password_profiles entry",
        ),
        (
            _broken("password_profile_info.2.username", "leslie"),
            "password_profile_info[2].username 'leslie' must be an email address",
        ),
        (
            _broken("password_profile_info.1.username", "RON@swanson.com"),
            "password_profile_info[1].username 'RON@swanson.com' is already used",
        ),
        (_broken("accounts.1.members", "x"), "accounts[1].members must be a list"),
        (_broken("accounts.1.members.0", 7), "accounts[1].members[0] must be a string"),
        (
            _broken("accounts.0.members.0", "ghost"),
            "accounts[0].members[0] 'ghost' is not the id of any user_authentication_info",
        ),
        (_broken("accounts.1.id", "8dbfa346-7223-4cd8-a004-6128cf290c6c"), "accounts[1].id"),
    ],
)
def test_from_dict_names_what_is_wrong(data: Any, message: str) -> None:
    with pytest.raises(SeedError) as caught:
        Seed.from_dict(data)
    assert message in str(caught.value)


def test_one_login_per_user_and_profile() -> None:
    data = _valid()
    extra = dict(data["password_profile_info"][0], id="other", username="ron2")
    data["password_profile_info"].append(extra)
    with pytest.raises(
        SeedError, match=r"password_profile_info\[3\]: the user already has a login"
    ):
        Seed.from_dict(data)


def test_timeout_is_optional() -> None:
    data = _valid()
    del data["account_token_timeout_secs"]
    assert Seed.from_dict(data).account_token_timeout_secs == 86400


def test_load_seed_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(demo_seed().to_dict()), encoding="utf-8")
    assert load_seed(path) == demo_seed()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read it"),
        (
            "{oops",
            "not valid JSON: Expecting property name enclosed in double quotes (line 1, column 2)",
        ),
        ('{"client_id": 1}', "seed.client_id must be a string"),
    ],
)
def test_load_seed_errors_name_the_file(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "seed.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(SeedError) as caught:
        load_seed(path)
    assert str(caught.value).startswith(f"seed file {path}: ")
    assert message in str(caught.value)


# codec="utf-8" leaves out lone surrogates, which JSON files cannot carry.
_text = st.text(st.characters(codec="utf-8"), min_size=1, max_size=12).filter(
    lambda s: s.strip() != ""
)
_ids = st.uuids().map(str)


@st.composite
def seeds(draw: st.DrawFn) -> Seed:
    """Arbitrary *valid* seeds: unique ids, resolvable references, unique usernames."""
    profiles = tuple(
        PasswordProfile(
            pid, draw(_text), draw(st.sampled_from(["any", "email"])), draw(st.booleans())
        )
        for pid in draw(st.lists(_ids, max_size=3, unique=True))
    )
    users = tuple(
        UserAuthenticationInfo(uid, draw(_text), draw(_text))
        for uid in draw(st.lists(_ids, max_size=4, unique=True))
    )
    logins: list[PasswordProfileInfo] = []
    for number, user in enumerate(users):
        for profile in profiles:
            if draw(st.booleans()):
                username = f"user{number}@example.com"
                login_id = f"login-{number}-{profile.id}"
                logins.append(
                    PasswordProfileInfo(login_id, user.id, profile.id, username, draw(_text))
                )
    user_ids = [u.id for u in users]
    accounts = tuple(
        Account(
            aid,
            draw(_text),
            tuple(draw(st.lists(st.sampled_from(user_ids), max_size=3))) if user_ids else (),
        )
        for aid in draw(st.lists(_ids, max_size=4, unique=True))
    )
    return Seed(
        client_id=draw(_text),
        client_secret=draw(_text),
        store_id=draw(_ids),
        realm_id=draw(_ids),
        password_profiles=profiles,
        user_authentication_info=users,
        password_profile_info=tuple(logins),
        accounts=accounts,
        account_token_timeout_secs=draw(st.integers(1, 365 * 86400)),
    )


@given(seeds())
def test_seed_round_trips_through_dict(seed: Seed) -> None:
    assert Seed.from_dict(seed.to_dict()) == seed


@given(seeds())
def test_seed_round_trips_through_json(seed: Seed) -> None:
    assert Seed.from_dict(json.loads(json.dumps(seed.to_dict()))) == seed


def test_an_absurd_account_token_lifetime_is_refused() -> None:
    data = demo_seed().to_dict()
    data["account_token_timeout_secs"] = 10**12
    with pytest.raises(SeedError, match="must be from 1 to 31536000"):
        Seed.from_dict(data)
