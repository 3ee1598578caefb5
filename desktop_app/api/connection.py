"""Where a store lives and how we prove who we are to it.

Validation happens here, before any request leaves: a typo'd URL or a plain-http remote host
is a configuration mistake to explain, not a network failure to retry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from desktop_app.api.errors import ConfigurationError

REGION_URLS: dict[str, str] = {
    "euwest": "https://euwest.api.elasticpath.com",
    "useast": "https://useast.api.elasticpath.com",
}
DEFAULT_REGION = "euwest"  # what the official SDK and CLI default to

ENV_BASE_URL = "EPCC_API_BASE_URL"
ENV_CLIENT_ID = "EPCC_CLIENT_ID"
ENV_CLIENT_SECRET = "EPCC_CLIENT_SECRET"


def is_loopback_host(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        import ipaddress  # first needed when a connection is checked, after the first paint

        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def normalize_base_url(raw: str) -> str:
    """Return ``scheme://host[:port]`` or raise a ConfigurationError that says what to fix.

    Plain http is only allowed to this machine (the sandbox): a remote store over http would
    send the client secret and shopper passwords in clear text.
    """
    text = raw.strip()
    if not text:
        raise ConfigurationError("Enter the store's API URL, for example " + REGION_URLS["euwest"])
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    if scheme not in ("http", "https") or not host:
        raise ConfigurationError(f"“{raw.strip()}” is not a web address the app can use.")
    try:
        port = parts.port
    except ValueError as exc:
        raise ConfigurationError(f"The port in “{raw.strip()}” is not a number.") from exc
    if scheme == "http" and not is_loopback_host(host):
        raise ConfigurationError(
            "Plain http is only allowed for the local sandbox. Use an https:// address for "
            "a real store, so secrets and passwords are never sent unencrypted."
        )
    if parts.path.strip("/") not in ("", "v2"):
        raise ConfigurationError(
            "Give only the store's host (for example https://euwest.api.elasticpath.com), "
            "without a path."
        )
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    return urlunsplit((scheme, netloc, "", "", ""))


@dataclass(frozen=True)
class ConnectionConfig:
    """One store connection. The secret never appears in ``repr`` or logs."""

    name: str
    base_url: str
    client_id: str
    client_secret: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "base_url", normalize_base_url(self.base_url))
        if not self.client_id.strip():
            raise ConfigurationError("Enter the connection's client ID.")
        object.__setattr__(self, "client_id", self.client_id.strip())
        if self.client_secret is not None and not self.client_secret.strip():
            object.__setattr__(self, "client_secret", None)

    @property
    def has_secret(self) -> bool:
        return self.client_secret is not None

    @classmethod
    def from_environment(
        cls, environ: Mapping[str, str], name: str = "Environment"
    ) -> ConnectionConfig | None:
        """The epcc-cli convention; ``None`` when the variables are not set at all."""
        base_url = environ.get(ENV_BASE_URL, "").strip()
        client_id = environ.get(ENV_CLIENT_ID, "").strip()
        if not base_url and not client_id:
            return None
        return cls(
            name=name,
            base_url=base_url or REGION_URLS[DEFAULT_REGION],
            client_id=client_id,
            client_secret=environ.get(ENV_CLIENT_SECRET) or None,
        )
