"""A connection is checked before anything is sent: typos and unsafe URLs are explained."""

from __future__ import annotations

import pytest

from desktop_app.api.connection import ConnectionConfig, normalize_base_url
from desktop_app.api.errors import ConfigurationError


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://euwest.api.elasticpath.com", "https://euwest.api.elasticpath.com"),
        ("https://useast.api.elasticpath.com/", "https://useast.api.elasticpath.com"),
        ("  euwest.api.elasticpath.com  ", "https://euwest.api.elasticpath.com"),
        ("https://store.example.com:8443/v2", "https://store.example.com:8443"),
        ("http://127.0.0.1:5000", "http://127.0.0.1:5000"),
        ("http://localhost:8000", "http://localhost:8000"),
        ("http://[::1]:9000", "http://[::1]:9000"),
        ("HTTPS://Store.Example.com", "https://store.example.com"),
    ],
)
def test_usable_urls_are_normalised(raw: str, expected: str) -> None:
    assert normalize_base_url(raw) == expected


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("", "Enter the store's API URL"),
        ("http://store.example.com", "Plain http is only allowed for the local sandbox"),
        ("http://10.0.0.5:8080", "Plain http is only allowed"),
        ("ftp://store.example.com", "is not a web address"),
        ("https://store.example.com:notaport", "port"),
        ("https://store.example.com/admin/stuff", "without a path"),
    ],
)
def test_unusable_urls_say_what_to_fix(raw: str, words: str) -> None:
    with pytest.raises(ConfigurationError, match=words):
        normalize_base_url(raw)


def test_secret_never_appears_in_repr() -> None:
    config = ConnectionConfig("Store", "https://x.example.com", "id-1", "very-secret-value")
    assert "very-secret-value" not in repr(config)
    assert config.has_secret


def test_blank_secret_means_no_secret() -> None:
    assert not ConnectionConfig("Store", "https://x.example.com", "id", "   ").has_secret


def test_environment_connection_follows_the_epcc_cli_convention() -> None:
    config = ConnectionConfig.from_environment(
        {
            "EPCC_API_BASE_URL": "https://useast.api.elasticpath.com",
            "EPCC_CLIENT_ID": "abc",
            "EPCC_CLIENT_SECRET": "shh-secret",
        }
    )
    assert config is not None
    assert (config.base_url, config.client_id, config.client_secret) == (
        "https://useast.api.elasticpath.com",
        "abc",
        "shh-secret",
    )
    assert ConnectionConfig.from_environment({}) is None


def test_environment_without_url_defaults_to_euwest_like_the_sdk() -> None:
    config = ConnectionConfig.from_environment({"EPCC_CLIENT_ID": "abc"})
    assert config is not None
    assert config.base_url == "https://euwest.api.elasticpath.com"
    assert not config.has_secret
