"""What a sandbox store starts with: credentials, realm, password profiles, users, logins, accounts.

A seed is plain data so that trainers can write their own JSON file and so that tests can build
stores with exactly the shape they need. Validation happens here, once, with messages that name
the offending key and index: a trainer editing JSON by hand must be told *where* the mistake is.

The demo seed (``demo_seed()``) uses fixed ids so that screenshots, training notes and bug
reports stay comparable from one run to the next:

=========================== ====================================== ==========================
what                        id                                     notes
=========================== ====================================== ==========================
client id / secret          ``demo-client-id`` / ``demo-client-secret``
store                       ad2198a0-cf4f-4810-b206-106c6d72c862
authentication realm        7c7357b1-d077-4ef4-b16f-bac5e77e4c9a
profile "Shopper logins"    32a34cab-10d8-44a9-badc-5710b84c08b6   username_format ``any``
profile "Email logins"      551884ed-1208-4135-a193-bc3533537c57   username_format ``email``
Ron Swanson                 b73aff2e-3681-48c6-992b-116ddfe5f397   ron@swanson.com
  login (Shopper logins)    8f39f562-091a-43f1-9d63-d9e856bd4274   ron@swanson.com / pawnee-parks-1
April Ludgate               727e644e-c817-45f5-af87-69110f2f5ada   april@ludgate.com, no accounts
  login (Shopper logins)    01198354-f1a5-4e34-b29a-555db665c317   april / no-accounts-1
Leslie Knope                40fc9e24-357f-4466-b07a-82dbe5a73c0a   leslie@knope.com, 250 accounts
  login (Email logins)      a3ef4cf3-03cf-4ffc-860a-811b3962b937   leslie@knope.com / waffles-250
Bob Belcher                 77ccf2a6-6ad8-4a8b-bfa8-a082e31fac11   bob@belcher.com, no login
account Swanson Woodworking 8dbfa346-7223-4cd8-a004-6128cf290c6c   Ron
account Pawnee Parks Dept.  f0f67bf9-26e4-4f19-8888-b8804785703c   Ron
account Very Good Building  c8b7d2d5-464c-4a4a-b00c-e066840f1ff1   Ron
account Bob's Burgers       9e140a30-9dba-4152-9ca6-bef0f63be201   Bob
=========================== ====================================== ==========================

Generated accounts ("Knope Campaign 001" … "250", and Ron's extra accounts when
``demo_seed(accounts=N)`` asks for more than three) get ``uuid5`` ids under the namespace
6a2f09ce-0bf4-475b-928a-d395d3f95e09, so they are stable too.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

USERNAME_FORMATS = ("any", "email")
DEFAULT_ACCOUNT_TOKEN_TIMEOUT_SECS = 86400
MAX_ACCOUNT_TOKEN_TIMEOUT_SECS = 365 * 86400  # beyond it expiry dates stop being meaningful
MAX_DEMO_ACCOUNTS = 10_000

DEMO_CLIENT_ID = "demo-client-id"
DEMO_CLIENT_SECRET = "demo-client-secret"
DEMO_STORE_ID = "ad2198a0-cf4f-4810-b206-106c6d72c862"
DEMO_REALM_ID = "7c7357b1-d077-4ef4-b16f-bac5e77e4c9a"
DEMO_SHOPPER_PROFILE_ID = "32a34cab-10d8-44a9-badc-5710b84c08b6"
DEMO_EMAIL_PROFILE_ID = "551884ed-1208-4135-a193-bc3533537c57"
RON_ID = "b73aff2e-3681-48c6-992b-116ddfe5f397"
APRIL_ID = "727e644e-c817-45f5-af87-69110f2f5ada"
LESLIE_ID = "40fc9e24-357f-4466-b07a-82dbe5a73c0a"
BOB_ID = "77ccf2a6-6ad8-4a8b-bfa8-a082e31fac11"
_RON_LOGIN_ID = "8f39f562-091a-43f1-9d63-d9e856bd4274"
_APRIL_LOGIN_ID = "01198354-f1a5-4e34-b29a-555db665c317"
_LESLIE_LOGIN_ID = "a3ef4cf3-03cf-4ffc-860a-811b3962b937"
_RON_ACCOUNTS = (
    ("8dbfa346-7223-4cd8-a004-6128cf290c6c", "Swanson Woodworking"),
    ("f0f67bf9-26e4-4f19-8888-b8804785703c", "Pawnee Parks Department"),
    ("c8b7d2d5-464c-4a4a-b00c-e066840f1ff1", "Very Good Building Company"),
)
_BOB_ACCOUNT_ID = "9e140a30-9dba-4152-9ca6-bef0f63be201"
_GENERATED_ACCOUNT_NAMESPACE = uuid.UUID("6a2f09ce-0bf4-475b-928a-d395d3f95e09")
_LESLIE_ACCOUNTS = 250


class SeedError(ValueError):
    """A seed dictionary or file is unusable; the message names the key and index at fault."""


@dataclass(frozen=True)
class PasswordProfile:
    """A password profile of the realm: a namespace of usernames with one username format."""

    id: str
    name: str
    username_format: str
    enable_one_time_password_token: bool = False


@dataclass(frozen=True)
class UserAuthenticationInfo:
    """A person in the realm. Its id is also the id of the account member it stands for."""

    id: str
    name: str
    email: str


@dataclass(frozen=True)
class PasswordProfileInfo:
    """A username/password login of one user in one password profile."""

    id: str
    user_authentication_info_id: str
    password_profile_id: str
    username: str
    password: str


@dataclass(frozen=True)
class Account:
    """A (business) account and the ids of the account members who may act for it."""

    id: str
    name: str
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class Seed:
    """Everything a sandbox store starts with. Immutable, so one seed can start many sandboxes."""

    client_id: str
    client_secret: str
    store_id: str
    realm_id: str
    password_profiles: tuple[PasswordProfile, ...] = ()
    user_authentication_info: tuple[UserAuthenticationInfo, ...] = ()
    password_profile_info: tuple[PasswordProfileInfo, ...] = ()
    accounts: tuple[Account, ...] = field(default=(), repr=False)
    account_token_timeout_secs: int = DEFAULT_ACCOUNT_TOKEN_TIMEOUT_SECS

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form, with exactly the keys ``from_dict`` reads."""
        return {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "store_id": self.store_id,
            "realm_id": self.realm_id,
            "account_token_timeout_secs": self.account_token_timeout_secs,
            "password_profiles": [
                {
                    "id": p.id,
                    "name": p.name,
                    "username_format": p.username_format,
                    "enable_one_time_password_token": p.enable_one_time_password_token,
                }
                for p in self.password_profiles
            ],
            "user_authentication_info": [
                {"id": u.id, "name": u.name, "email": u.email}
                for u in self.user_authentication_info
            ],
            "password_profile_info": [
                {
                    "id": i.id,
                    "user_authentication_info_id": i.user_authentication_info_id,
                    "password_profile_id": i.password_profile_id,
                    "username": i.username,
                    "password": i.password,
                }
                for i in self.password_profile_info
            ],
            "accounts": [
                {"id": a.id, "name": a.name, "members": list(a.members)} for a in self.accounts
            ],
        }

    @classmethod
    def from_dict(cls, data: Any) -> Seed:
        """Validate and build a seed; raise ``SeedError`` naming the first wrong key or index."""
        top = _Checker(data, "seed")
        client_id = top.string("client_id")
        client_secret = top.string("client_secret")
        store_id = top.string("store_id")
        realm_id = top.string("realm_id")
        timeout = top.optional_int("account_token_timeout_secs", DEFAULT_ACCOUNT_TOKEN_TIMEOUT_SECS)
        if not 1 <= timeout <= MAX_ACCOUNT_TOKEN_TIMEOUT_SECS:
            raise SeedError(
                "seed: 'account_token_timeout_secs' must be from 1 to "
                f"{MAX_ACCOUNT_TOKEN_TIMEOUT_SECS} (one year), got {timeout}"
            )
        top.reject_unknown(
            {
                "client_id",
                "client_secret",
                "store_id",
                "realm_id",
                "account_token_timeout_secs",
                "password_profiles",
                "user_authentication_info",
                "password_profile_info",
                "accounts",
            }
        )
        profiles = tuple(
            PasswordProfile(
                id=item.string("id"),
                name=item.string("name"),
                username_format=item.choice("username_format", USERNAME_FORMATS),
                enable_one_time_password_token=item.boolean("enable_one_time_password_token"),
            )
            for item in top.items(
                "password_profiles",
                {"id", "name", "username_format", "enable_one_time_password_token"},
            )
        )
        users = tuple(
            UserAuthenticationInfo(
                id=item.string("id"), name=item.string("name"), email=item.string("email")
            )
            for item in top.items("user_authentication_info", {"id", "name", "email"})
        )
        logins = tuple(
            PasswordProfileInfo(
                id=item.string("id"),
                user_authentication_info_id=item.string("user_authentication_info_id"),
                password_profile_id=item.string("password_profile_id"),
                username=item.string("username"),
                password=item.string("password"),
            )
            for item in top.items(
                "password_profile_info",
                {
                    "id",
                    "user_authentication_info_id",
                    "password_profile_id",
                    "username",
                    "password",
                },
            )
        )
        accounts = tuple(
            Account(id=item.string("id"), name=item.string("name"), members=item.strings("members"))
            for item in top.items("accounts", {"id", "name", "members"})
        )
        seed = cls(
            client_id=client_id,
            client_secret=client_secret,
            store_id=store_id,
            realm_id=realm_id,
            password_profiles=profiles,
            user_authentication_info=users,
            password_profile_info=logins,
            accounts=accounts,
            account_token_timeout_secs=timeout,
        )
        _check_references(seed)
        return seed


def load_seed(path: str | Path) -> Seed:
    """Read a seed JSON file; unreadable files and bad JSON are ``SeedError`` too."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise SeedError(f"seed file {path}: cannot read it: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise SeedError(f"seed file {path}: not UTF-8 text (byte {exc.start})") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SeedError(
            f"seed file {path}: not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from exc
    except RecursionError as exc:
        raise SeedError(f"seed file {path}: not valid JSON: nested too deeply") from exc
    try:
        return Seed.from_dict(data)
    except SeedError as exc:
        raise SeedError(f"seed file {path}: {exc}") from None


def demo_seed(accounts: int | None = None) -> Seed:
    """The documented demo store; ``accounts`` gives Ron that many accounts instead of three.

    Up to 10,000 accounts is the documented maximum per member, which is what the app's
    pagination must survive; names and ids are generated without per-item randomness so that
    even 10,000 accounts build in a few milliseconds.
    """
    if accounts is not None and not 0 <= accounts <= MAX_DEMO_ACCOUNTS:
        raise ValueError(f"accounts must be between 0 and {MAX_DEMO_ACCOUNTS}, got {accounts}")
    ron_count = len(_RON_ACCOUNTS) if accounts is None else accounts
    ron_accounts = [Account(id=i, name=n, members=(RON_ID,)) for i, n in _RON_ACCOUNTS[:ron_count]]
    ron_accounts += [
        _generated_account(f"Swanson Holdings {n:05d}", RON_ID)
        for n in range(len(ron_accounts) + 1, ron_count + 1)
    ]
    leslie_accounts = [
        _generated_account(f"Knope Campaign {n:03d}", LESLIE_ID)
        for n in range(1, _LESLIE_ACCOUNTS + 1)
    ]
    return Seed(
        client_id=DEMO_CLIENT_ID,
        client_secret=DEMO_CLIENT_SECRET,
        store_id=DEMO_STORE_ID,
        realm_id=DEMO_REALM_ID,
        password_profiles=(
            PasswordProfile(DEMO_SHOPPER_PROFILE_ID, "Shopper logins", "any"),
            PasswordProfile(DEMO_EMAIL_PROFILE_ID, "Email logins", "email"),
        ),
        user_authentication_info=(
            UserAuthenticationInfo(RON_ID, "Ron Swanson", "ron@swanson.com"),
            UserAuthenticationInfo(APRIL_ID, "April Ludgate", "april@ludgate.com"),
            UserAuthenticationInfo(LESLIE_ID, "Leslie Knope", "leslie@knope.com"),
            UserAuthenticationInfo(BOB_ID, "Bob Belcher", "bob@belcher.com"),
        ),
        password_profile_info=(
            PasswordProfileInfo(
                _RON_LOGIN_ID, RON_ID, DEMO_SHOPPER_PROFILE_ID, "ron@swanson.com", "pawnee-parks-1"
            ),
            PasswordProfileInfo(
                _APRIL_LOGIN_ID, APRIL_ID, DEMO_SHOPPER_PROFILE_ID, "april", "no-accounts-1"
            ),
            PasswordProfileInfo(
                _LESLIE_LOGIN_ID,
                LESLIE_ID,
                DEMO_EMAIL_PROFILE_ID,
                "leslie@knope.com",
                "waffles-250",
            ),
        ),
        accounts=(
            *ron_accounts,
            *leslie_accounts,
            Account(_BOB_ACCOUNT_ID, "Bob's Burgers", (BOB_ID,)),
        ),
    )


def _generated_account(name: str, member_id: str) -> Account:
    return Account(str(uuid.uuid5(_GENERATED_ACCOUNT_NAMESPACE, name)), name, (member_id,))


class _Checker:
    """Reads one JSON object and raises ``SeedError`` messages that carry its location."""

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, Mapping):
            raise SeedError(f"{where} must be a JSON object, got {_json_type(data)}")
        self._data = data
        self._where = where

    def _get(self, key: str) -> Any:
        if key not in self._data:
            raise SeedError(f"{self._where}: missing key '{key}'")
        return self._data[key]

    def string(self, key: str) -> str:
        value = self._get(key)
        if not isinstance(value, str):
            raise SeedError(f"{self._where}.{key} must be a string, got {_json_type(value)}")
        if not value.strip():
            raise SeedError(f"{self._where}.{key} must not be empty")
        return value

    def choice(self, key: str, allowed: tuple[str, ...]) -> str:
        value = self.string(key)
        if value not in allowed:
            raise SeedError(
                f"{self._where}.{key} must be one of {', '.join(allowed)}, got {value!r}"
            )
        return value

    def boolean(self, key: str) -> bool:
        value = self._get(key)
        if not isinstance(value, bool):
            raise SeedError(f"{self._where}.{key} must be true or false, got {_json_type(value)}")
        return value

    def optional_int(self, key: str, default: int) -> int:
        value = self._data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise SeedError(f"{self._where}.{key} must be an integer, got {_json_type(value)}")
        return value

    def strings(self, key: str) -> tuple[str, ...]:
        value = self._get(key)
        if not isinstance(value, list):
            raise SeedError(f"{self._where}.{key} must be a list, got {_json_type(value)}")
        for index, item in enumerate(value):
            if not isinstance(item, str):
                raise SeedError(
                    f"{self._where}.{key}[{index}] must be a string, got {_json_type(item)}"
                )
        return tuple(value)

    def items(self, key: str, known: set[str]) -> list[_Checker]:
        value = self._get(key)
        if not isinstance(value, list):
            raise SeedError(f"{self._where}.{key} must be a list, got {_json_type(value)}")
        checkers = [_Checker(item, f"{key}[{index}]") for index, item in enumerate(value)]
        for checker in checkers:
            checker.reject_unknown(known)
        return checkers

    def reject_unknown(self, known: set[str]) -> None:
        """A misspelt optional key would otherwise be ignored silently."""
        unknown = sorted(set(self._data) - known)
        if unknown:
            raise SeedError(f"{self._where}: unknown key '{unknown[0]}'")


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def _check_unique_ids(section: str, ids: list[str]) -> None:
    seen: dict[str, int] = {}
    for index, item_id in enumerate(ids):
        if item_id in seen:
            raise SeedError(
                f"{section}[{index}].id {item_id!r} duplicates {section}[{seen[item_id]}].id"
            )
        seen[item_id] = index


def _check_references(seed: Seed) -> None:
    """Ids must be unique and every reference must resolve, or the store would be inconsistent."""
    _check_unique_ids("password_profiles", [p.id for p in seed.password_profiles])
    _check_unique_ids("user_authentication_info", [u.id for u in seed.user_authentication_info])
    _check_unique_ids("password_profile_info", [i.id for i in seed.password_profile_info])
    _check_unique_ids("accounts", [a.id for a in seed.accounts])
    profiles = {p.id: p for p in seed.password_profiles}
    users = {u.id for u in seed.user_authentication_info}
    usernames: dict[tuple[str, str], int] = {}
    user_profiles: dict[tuple[str, str], int] = {}
    for index, login in enumerate(seed.password_profile_info):
        where = f"password_profile_info[{index}]"
        if login.user_authentication_info_id not in users:
            raise SeedError(
                f"{where}.user_authentication_info_id {login.user_authentication_info_id!r} "
                "is not the id of any user_authentication_info"
            )
        profile = profiles.get(login.password_profile_id)
        if profile is None:
            raise SeedError(
                f"{where}.password_profile_id {login.password_profile_id!r} "
                "is not the id of any password_profiles entry"
            )
        if profile.username_format == "email" and not looks_like_email(login.username):
            raise SeedError(
                f"{where}.username {login.username!r} must be an email address because "
                f"password profile {profile.name!r} uses username_format 'email'"
            )
        key = (login.password_profile_id, login.username.lower())
        if key in usernames:
            raise SeedError(
                f"{where}.username {login.username!r} is already used in the same password "
                f"profile by password_profile_info[{usernames[key]}]"
            )
        usernames[key] = index
        pair = (login.user_authentication_info_id, login.password_profile_id)
        if pair in user_profiles:
            raise SeedError(
                f"{where}: the user already has a login in this password profile "
                f"(password_profile_info[{user_profiles[pair]}])"
            )
        user_profiles[pair] = index
    for index, account in enumerate(seed.accounts):
        for member_index, member in enumerate(account.members):
            if member not in users:
                raise SeedError(
                    f"accounts[{index}].members[{member_index}] {member!r} "
                    "is not the id of any user_authentication_info"
                )


def looks_like_email(value: str) -> bool:
    """The shape check the API applies to ``email``-format usernames: one @, a dotted domain."""
    local, at, domain = value.partition("@")
    return (
        bool(at and local and domain)
        and "@" not in domain
        and "." in domain.strip(".")
        and not any(c.isspace() for c in value)
    )
