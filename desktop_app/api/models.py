"""Typed results of the Commerce API: what the client returns and the UI shows.

Every field is already parsed (datetimes are aware UTC), so nothing above the API layer
ever touches a JSON dict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

TOKEN_REFRESH_MARGIN_SECONDS = 60


@dataclass(frozen=True)
class AccessToken:
    """A store bearer token from ``POST /oauth/access_token``."""

    token: str = field(repr=False)
    grant_type: str  # "client_credentials" or "implicit"
    expires_at: datetime

    def is_fresh(self, now: datetime, margin_seconds: int = TOKEN_REFRESH_MARGIN_SECONDS) -> bool:
        """Tokens are refreshed a minute early so a request never leaves with one about to die."""
        return (self.expires_at - now).total_seconds() > margin_seconds


@dataclass(frozen=True)
class Realm:
    """The store's account-authentication realm and the token lifetime it grants."""

    id: str
    token_timeout_seconds: int | None = None


@dataclass(frozen=True)
class PasswordProfile:
    id: str
    name: str
    username_format: str = "any"  # "any" or "email"
    enable_one_time_password_token: bool = False

    @property
    def requires_email(self) -> bool:
        return self.username_format == "email"


@dataclass(frozen=True)
class AccountToken:
    """One account a shopper belongs to, with the token that acts as them in it."""

    account_id: str
    account_name: str
    token: str = field(repr=False)
    expires: datetime

    def seconds_left(self, now: datetime) -> float:
        return (self.expires - now).total_seconds()


@dataclass(frozen=True)
class LoginProgress:
    """Reported after each page of a login, so a 10,000-account shopper shows movement."""

    pages_done: int
    pages_total: int
    accounts_read: int
    accounts_total: int
    page_tokens: tuple[AccountToken, ...] = field(default=(), repr=False, compare=False)


@dataclass(frozen=True)
class ShopperLogin:
    """Everything one password login returned, across all pages."""

    username: str
    password_profile_id: str
    account_member_id: str | None
    tokens: tuple[AccountToken, ...]
    logged_in_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def has_no_accounts(self) -> bool:
        return not self.tokens


@dataclass(frozen=True)
class StoreConnection:
    """What the app learns when it connects: the realm and its password profiles."""

    realm: Realm
    password_profiles: tuple[PasswordProfile, ...]
    grant_type: str  # the strongest grant the connection's credentials allowed


def person_label(name: str, email: str, fallback: str) -> str:
    """``Name <email>`` when both are known, else whichever is, else the id."""
    if name and email:
        return f"{name} <{email}>"
    return name or email or fallback


@dataclass(frozen=True)
class Person:
    """Someone the store knows by id, name and email."""

    id: str
    name: str
    email: str

    @property
    def label(self) -> str:
        return person_label(self.name, self.email, self.id)


@dataclass(frozen=True)
class RealmUser(Person):
    """A user-authentication-info: a person in the realm (same id as their account member)."""


@dataclass(frozen=True)
class PasswordLogin:
    """A user-authentication-password-profile-info: one username/password in one profile."""

    id: str
    username: str
    password_profile_id: str
    user_id: str
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class VerifiedMember(Person):
    """Who an account token acts as, as the store itself says (``GET /v2/account-members``)."""


@dataclass(frozen=True)
class AccountSummary:
    """An account as ``GET /v2/accounts/{id}`` describes it."""

    id: str
    name: str
    legal_name: str = ""
