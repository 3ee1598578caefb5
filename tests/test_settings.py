"""AppSettings: what survives a restart, and a hand-edited or damaged file never breaks start-up."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QSettings

from desktop_app import APP_NAME, ORGANIZATION
from desktop_app.api.connection import REGION_URLS
from desktop_app.api.errors import ConfigurationError
from desktop_app.settings import (
    DEFAULT_CLIPBOARD_CLEAR_SECONDS,
    KEY_CONNECTIONS,
    AppSettings,
    SavedConnection,
)


def open_settings(path: Path) -> AppSettings:
    return AppSettings(QSettings(str(path), QSettings.Format.IniFormat))


@pytest.fixture
def ini(tmp_path: Path) -> Path:
    return tmp_path / "settings.ini"


def test_saved_connection_urls_follow_the_region() -> None:
    east = SavedConnection.new("East", "useast", "client-1")
    custom = SavedConnection.new("Mine", "custom", "client-2", "store.example.com/v2/")

    assert east.base_url == REGION_URLS["useast"]
    assert custom.base_url == "https://store.example.com"
    assert len(east.id) == 32
    assert east.id != custom.id
    config = custom.to_config("the-secret")
    assert (config.name, config.base_url, config.client_id, config.client_secret) == (
        "Mine",
        "https://store.example.com",
        "client-2",
        "the-secret",
    )
    assert east.to_config(None).client_secret is None


def test_an_unusable_custom_url_raises_a_configuration_error() -> None:
    remote_http = SavedConnection.new("Bad", "custom", "client", "http://store.example.com")

    with pytest.raises(ConfigurationError, match="Plain http"):
        _ = remote_http.base_url


def test_everything_round_trips_through_the_file(ini: Path) -> None:
    settings = open_settings(ini)
    first = SavedConnection.new("Production", "euwest", "client-prod")
    second = SavedConnection.new("Local", "custom", "client-local", "http://127.0.0.1:8123")
    settings.save_connection(first)
    settings.save_connection(second)
    settings.last_connection_key = second.id
    settings.window_geometry = QByteArray(b"\x01geometry")
    settings.window_state = b"\x02state"
    settings.splitter_state = QByteArray(b"\x03splitter")
    settings.table_header_state = QByteArray(b"\x04header")
    settings.clipboard_clear_seconds = 15
    assert settings.sync() is None

    again = open_settings(ini)

    assert again.connections() == [first, second]
    assert again.connection(second.id) == second
    assert again.connection("0" * 32) is None
    assert again.last_connection_key == second.id
    assert again.window_geometry == QByteArray(b"\x01geometry")
    assert again.window_state == QByteArray(b"\x02state")
    assert again.splitter_state == QByteArray(b"\x03splitter")
    assert again.table_header_state == QByteArray(b"\x04header")
    assert again.clipboard_clear_seconds == 15


def test_saving_again_replaces_in_place_and_removing_forgets(ini: Path) -> None:
    settings = open_settings(ini)
    first = SavedConnection.new("One", "euwest", "client-1")
    second = SavedConnection.new("Two", "useast", "client-2")
    settings.save_connection(first)
    settings.save_connection(second)
    settings.last_connection_key = first.id
    renamed = SavedConnection(first.id, "One renamed", "useast", "", "client-1b")

    settings.save_connection(renamed)
    assert settings.connections() == [renamed, second]

    settings.remove_connection(first.id)
    settings.sync()
    again = open_settings(ini)
    assert again.connections() == [second]
    assert again.last_connection_key is None  # it pointed at the removed connection


def test_defaults_on_a_fresh_profile(ini: Path) -> None:
    settings = open_settings(ini)

    assert settings.connections() == []
    assert settings.last_connection_key is None
    assert settings.window_geometry is None
    assert settings.window_state is None
    assert settings.splitter_state is None
    assert settings.table_header_state is None
    assert settings.clipboard_clear_seconds == DEFAULT_CLIPBOARD_CLEAR_SECONDS == 60


def test_clearing_state_removes_it(ini: Path) -> None:
    settings = open_settings(ini)
    settings.window_geometry = b"\x01"
    settings.window_geometry = None
    settings.last_connection_key = "sandbox"
    settings.last_connection_key = None

    assert settings.window_geometry is None
    assert settings.last_connection_key is None


@pytest.mark.parametrize("seconds", [-1, 3601])
def test_clipboard_seconds_out_of_range_are_refused(ini: Path, seconds: int) -> None:
    with pytest.raises(ValueError, match="0–3600"):
        open_settings(ini).clipboard_clear_seconds = seconds


def test_garbage_values_are_ignored_with_a_warning(
    ini: Path, caplog: pytest.LogCaptureFixture
) -> None:
    good = SavedConnection.new("Good", "euwest", "client-good")
    entries = [
        good.to_json(),
        {"id": "not-a-uuid", "name": "Bad id", "region": "euwest", "client_id": "x"},
        {"id": "a" * 32, "name": "", "region": "euwest", "client_id": "x"},
        {"id": "b" * 32, "name": "Mars", "region": "mars", "client_id": "x"},
        {"id": "c" * 32, "name": "No client", "region": "euwest", "client_id": ""},
        {
            "id": "d" * 32,
            "name": "Http",
            "region": "custom",
            "custom_url": "http://x.example",
            "client_id": "x",
        },
        {"id": "e" * 32, "name": 7, "region": "euwest", "client_id": "x"},
        good.to_json(),  # duplicate id
        "just a string",
    ]
    settings = open_settings(ini)
    settings.qsettings.setValue(KEY_CONNECTIONS, json.dumps(entries))
    settings.sync()
    with ini.open("a", encoding="utf-8") as file:
        file.write(
            "\n[window]\ngeometry=not a byte array\nstate=@ByteArray()\n"
            "splitter_state=1, 2, 3\n"
            "[clipboard]\nclear_seconds=soon\n"
        )
    caplog.set_level(logging.WARNING, logger="desktop_app.settings")

    again = open_settings(ini)

    assert again.connections() == [good]
    assert again.window_geometry is None
    assert again.window_state is None
    assert again.splitter_state is None
    assert again.clipboard_clear_seconds == 60
    warned = caplog.text
    for part in ("uuid4", "name is empty", "unknown region", "client id is empty", "Plain http"):
        assert part in warned
    assert "duplicate id" in warned
    assert "window/geometry" in warned
    assert "clipboard/clear_seconds" in warned


@pytest.mark.parametrize(
    "content",
    [
        b'[connections]\nsaved="[{\\"id\\": \n',  # JSON cut short
        b"[connections]\nsaved=one, two\n",  # read back as a list, not text
        b'[connections]\nsaved="{\\"not\\": \\"a list\\"}"\nlast_used=\n',
        b"\x00\xff\xfe[[[garbage\n\x89PNG\r\n\x1a\n=\n[clipboard]\nclear_seconds=99999\n",
        b"[clipboard]\nclear_seconds=-5\n[window]\ngeometry=@ByteArray(\n",
    ],
    ids=["cut-json", "list", "not-a-list", "binary", "out-of-range"],
)
def test_a_damaged_file_never_raises(ini: Path, content: bytes) -> None:
    ini.write_bytes(content)

    settings = open_settings(ini)

    assert settings.connections() == []
    assert settings.last_connection_key is None
    assert settings.clipboard_clear_seconds == 60
    assert settings.window_geometry is None
    # and it can still be written afterwards
    settings.save_connection(SavedConnection.new("Fresh", "euwest", "client"))
    assert settings.sync() is None
    assert [c.name for c in open_settings(ini).connections()] == ["Fresh"]


def test_a_file_that_cannot_be_written_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    settings = open_settings(blocker / "settings.ini")
    settings.clipboard_clear_seconds = 5

    problem = settings.sync()

    assert problem is not None
    assert "could not be written" in problem


def test_the_default_constructor_uses_the_app_names() -> None:
    settings = AppSettings()

    assert settings.qsettings.organizationName() == ORGANIZATION
    assert settings.qsettings.applicationName() == APP_NAME


def test_a_damaged_settings_file_is_set_aside_and_the_app_starts_clean() -> None:
    from desktop_app.settings import open_qsettings

    path = Path(open_qsettings().fileName())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x00\xff\xfe[General]\nconnections=\x01garbage\n")
    settings = AppSettings()
    assert settings.problem is not None
    assert settings.problem.startswith("The settings file was damaged (it contains binary data)")
    assert settings.connections() == []
    aside = list(path.parent.glob(path.name + ".unreadable-*"))
    assert len(aside) == 1
    assert aside[0].read_bytes().startswith(b"\x00")
    settings.last_connection_key = "sandbox"
    assert settings.sync() is None
    assert AppSettings().problem is None  # the fresh file reads fine next time
    for leftover in aside:
        leftover.unlink()


def test_a_healthy_settings_file_is_left_alone() -> None:
    assert AppSettings().problem is None
