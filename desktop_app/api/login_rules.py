"""The rules a new password login must meet, checked before anything is sent.

Pure functions with no network imports, so the form can show the same sentences next to its
fields that the client would raise.
"""

from __future__ import annotations

import re

from desktop_app.api.models import PasswordProfile

MIN_PASSWORD_LENGTH = 8
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def looks_like_email(text: str) -> bool:
    return bool(_EMAIL.match(text.strip()))


def username_problem(username: str, profile: PasswordProfile | None) -> str | None:
    text = username.strip()
    if not text:
        return "Enter a username for the new login."
    if any(ch.isspace() for ch in text):
        return "A username cannot contain spaces."
    if profile is not None and profile.requires_email and not looks_like_email(text):
        return f"The “{profile.name}” profile needs an email address as the username."
    return None


def password_problem(password: str) -> str | None:
    if not password:
        return "Enter a password."
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"The password must be at least {MIN_PASSWORD_LENGTH} characters."
    return None


def confirmation_problem(password: str, confirmation: str) -> str | None:
    if not confirmation:
        return "Type the password again to confirm it."
    if password != confirmation:
        return "The two passwords do not match."
    return None
