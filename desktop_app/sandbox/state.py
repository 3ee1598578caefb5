"""The sandbox store's mutable data, guarded by one lock.

Request threads run concurrently (the server is threaded, like a real API), so every
check-then-write — above all "is this username free? then create the login" — happens under the
same lock. Records are frozen dataclasses replaced on update, so a record handed to a request
thread can be read without the lock.
"""

from __future__ import annotations

import hmac
import threading
import uuid
from dataclasses import dataclass, replace

from desktop_app.sandbox.seed import Account, PasswordProfile, Seed


@dataclass(frozen=True)
class UserRecord:
    """A user-authentication-info (and, with the same id, an account member)."""

    id: str
    name: str
    email: str
    created_at: float
    updated_at: float


@dataclass(frozen=True)
class LoginRecord:
    """A user-authentication-password-profile-info; ``username`` is stored lower-case."""

    id: str
    user_id: str
    profile_id: str
    username: str
    password: str
    created_at: float
    updated_at: float


class Conflict(Exception):
    """A write would break a uniqueness rule; the message is fit to show to the API caller."""


class Store:
    """The in-memory store built from a seed; safe to call from many request threads."""

    def __init__(self, seed: Seed, now: float) -> None:
        self._lock = threading.Lock()
        self._profiles = {p.id: p for p in seed.password_profiles}
        self._users = {
            u.id: UserRecord(u.id, u.name, u.email, now, now) for u in seed.user_authentication_info
        }
        self._logins = {
            i.id: LoginRecord(
                i.id,
                i.user_authentication_info_id,
                i.password_profile_id,
                i.username.lower(),
                i.password,
                now,
                now,
            )
            for i in seed.password_profile_info
        }
        self._login_by_username = {(r.profile_id, r.username): r.id for r in self._logins.values()}
        self._accounts = {a.id: a for a in seed.accounts}
        self._member_accounts: dict[str, list[Account]] = {}
        for account in seed.accounts:
            for member in account.members:
                self._member_accounts.setdefault(member, []).append(account)

    def profile(self, profile_id: str) -> PasswordProfile | None:
        return self._profiles.get(profile_id)

    def profiles(self) -> list[PasswordProfile]:
        return list(self._profiles.values())

    def user(self, user_id: str) -> UserRecord | None:
        with self._lock:
            return self._users.get(user_id)

    def users(self) -> list[UserRecord]:
        with self._lock:
            return list(self._users.values())

    def create_user(self, name: str, email: str, now: float) -> UserRecord:
        """A new user, who is also a new account member without accounts."""
        record = UserRecord(str(uuid.uuid4()), name, email, now, now)
        with self._lock:
            self._users[record.id] = record
        return record

    def logins_of(self, user_id: str) -> list[LoginRecord]:
        with self._lock:
            return [r for r in self._logins.values() if r.user_id == user_id]

    def login(self, user_id: str, login_id: str) -> LoginRecord | None:
        with self._lock:
            record = self._logins.get(login_id)
        return record if record is not None and record.user_id == user_id else None

    def create_login(
        self, user_id: str, profile_id: str, username: str, password: str, now: float
    ) -> LoginRecord:
        """Add a login atomically, so two racing creates of one username give one winner."""
        username = username.lower()
        record = LoginRecord(str(uuid.uuid4()), user_id, profile_id, username, password, now, now)
        with self._lock:
            self._check_username_free(profile_id, username, ignore_login_id=None)
            if any(
                r.user_id == user_id and r.profile_id == profile_id for r in self._logins.values()
            ):
                raise Conflict("this user already has a login in this password profile")
            self._logins[record.id] = record
            self._login_by_username[(profile_id, username)] = record.id
        return record

    def update_login(
        self, login: LoginRecord, password: str, username: str | None, now: float
    ) -> LoginRecord:
        """Reset the password (and optionally rename) under the same uniqueness rule as create."""
        new_username = login.username if username is None else username.lower()
        with self._lock:
            current = self._logins[login.id]
            if new_username != current.username:
                self._check_username_free(current.profile_id, new_username, current.id)
                del self._login_by_username[(current.profile_id, current.username)]
                self._login_by_username[(current.profile_id, new_username)] = current.id
            updated = replace(current, username=new_username, password=password, updated_at=now)
            self._logins[current.id] = updated
        return updated

    def authenticate(self, profile_id: str, username: str, password: str) -> str | None:
        """The member id whose login matches, or None; usernames compare case-insensitively."""
        with self._lock:
            login_id = self._login_by_username.get((profile_id, username.lower()))
            record = self._logins.get(login_id) if login_id is not None else None
        if record is None or not hmac.compare_digest(
            record.password.encode("utf-8"), password.encode("utf-8")
        ):
            return None
        return record.user_id

    def accounts_of(self, member_id: str) -> list[Account]:
        return self._member_accounts.get(member_id, [])

    def account(self, account_id: str) -> Account | None:
        return self._accounts.get(account_id)

    def _check_username_free(
        self, profile_id: str, username: str, ignore_login_id: str | None
    ) -> None:
        owner = self._login_by_username.get((profile_id, username))
        if owner is not None and owner != ignore_login_id:
            raise Conflict(f"username '{username}' already exists in this password profile")
