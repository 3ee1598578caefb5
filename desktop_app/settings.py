"""What the app remembers between runs, through ``QSettings``: never a secret.

Saved connections keep their name, region or custom URL and client id; the client secret lives
in ``desktop_app.credentials.SecretStore`` only. Every reader tolerates a hand-edited or corrupt
file: a value that cannot be understood is ignored with a log warning, never raised.

Use it from the GUI thread only (``QSettings`` objects are not shared between threads).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import QByteArray, QSettings

from desktop_app import APP_NAME, ORGANIZATION
from desktop_app.api.errors import ConfigurationError

if TYPE_CHECKING:
    from desktop_app.api.connection import ConnectionConfig

log = logging.getLogger("desktop_app.settings")

CUSTOM_REGION = "custom"
REGIONS: tuple[str, ...] = ("useast", "euwest", CUSTOM_REGION)
DEFAULT_CLIPBOARD_CLEAR_SECONDS = 60
MAX_CLIPBOARD_CLEAR_SECONDS = 3600  # 0 means "never clear"

KEY_CONNECTIONS = "connections/saved"
KEY_LAST_CONNECTION = "connections/last_used"
KEY_WINDOW_GEOMETRY = "window/geometry"
KEY_WINDOW_STATE = "window/state"
KEY_SPLITTER_STATE = "window/splitter_state"
KEY_TABLE_HEADER_STATE = "window/token_table_header_state"
KEY_CLIPBOARD_CLEAR_SECONDS = "clipboard/clear_seconds"

_ID_PATTERN = re.compile(r"^[0-9a-f]{32}$")


class SavedConnection(NamedTuple):
    """A store connection as saved in settings: everything except the client secret.

    A NamedTuple, like the other values this module loads before the window's first paint:
    importing ``dataclasses`` and building a frozen dataclass cost ~1 ms each there."""

    id: str
    name: str
    region: str  # "useast", "euwest" or CUSTOM_REGION
    custom_url: str = ""
    client_id: str = ""

    @classmethod
    def new(cls, name: str, region: str, client_id: str, custom_url: str = "") -> SavedConnection:
        return cls(
            id=_new_id(),
            name=name,
            region=region,
            custom_url=custom_url,
            client_id=client_id,
        )

    @property
    def base_url(self) -> str:
        """The store's API root; raises ConfigurationError for an unusable custom URL."""
        from desktop_app.api.connection import REGION_URLS, normalize_base_url

        if self.region == CUSTOM_REGION:
            return normalize_base_url(self.custom_url)
        try:
            return REGION_URLS[self.region]
        except KeyError:
            raise ConfigurationError(f"“{self.region}” is not a known region.") from None

    def to_config(self, client_secret: str | None) -> ConnectionConfig:
        """The connection the API client needs; the secret comes from the SecretStore."""
        from desktop_app.api.connection import ConnectionConfig

        return ConnectionConfig(
            name=self.name,
            base_url=self.base_url,
            client_id=self.client_id,
            client_secret=client_secret,
        )

    def to_json(self) -> dict[str, str]:
        return {
            "id": self.id,
            "name": self.name,
            "region": self.region,
            "custom_url": self.custom_url,
            "client_id": self.client_id,
        }

    @classmethod
    def from_json(cls, raw: object) -> SavedConnection:
        """Raises ValueError (with what is wrong) for anything but a complete, valid entry."""
        if not isinstance(raw, dict):
            raise ValueError("not an object")
        fields: dict[str, str] = {}
        for key in ("id", "name", "region", "custom_url", "client_id"):
            value = raw.get(key, "")
            if not isinstance(value, str):
                raise ValueError(f"{key} is not text")
            fields[key] = value.strip()
        if not _ID_PATTERN.match(fields["id"]):
            raise ValueError("id is not a uuid4 hex string")
        if not fields["name"]:
            raise ValueError("name is empty")
        if fields["region"] not in REGIONS:
            raise ValueError(f"unknown region {fields['region']!r}")
        if not fields["client_id"]:
            raise ValueError("client id is empty")
        made = cls(**fields)
        try:
            made.base_url  # noqa: B018 - validates the custom URL
        except ConfigurationError as error:
            raise ValueError(str(error)) from None
        return made


def open_qsettings() -> QSettings:
    """The app's settings file: an INI file in the user's config folder on every platform.

    Explicit on purpose: ``QSettings(organization, application)`` ignores
    ``QSettings.setDefaultFormat`` and ``setPath``, so a file location set for tests (or
    shown by --diagnostics) would not be the file actually written."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APP_NAME)


def _unreadable_reason(path: Path) -> str | None:
    """Qt's INI reader accepts almost anything, so damage is looked for here."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        return f"it could not be read ({error.strerror or error})"
    if b"\x00" in raw:
        return "it contains binary data"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return "it is not text"
    return None


def set_aside_if_unreadable(qsettings: QSettings) -> str | None:
    """Move a damaged settings file out of the way so the app starts with defaults.

    Returns the message for the window, or None when the file was fine."""
    path = Path(qsettings.fileName())
    reason = _unreadable_reason(path)
    if reason is None and qsettings.status() == QSettings.Status.NoError:
        return None
    reason = reason or f"Qt reported {qsettings.status().name}"
    from datetime import UTC, datetime  # only for a damaged file: not on every start

    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.unreadable-{stamp}")
    try:
        path.replace(aside)
    except OSError as error:
        log.error("the settings file %s is damaged and could not be moved: %s", path, error)
        return (
            f"The settings file {path} is damaged ({reason}) and could not be set aside; "
            "settings will not be saved this session."
        )
    log.warning("the settings file %s was damaged (%s); set aside as %s", path, reason, aside)
    return (
        f"The settings file was damaged ({reason}), so it was set aside as {aside.name} and "
        "the app started with default settings. Saved connections may need to be added again."
    )


def _new_id() -> str:
    import uuid  # only when a connection is added: not worth its import before first paint

    return uuid.uuid4().hex


class AppSettings:
    """The app's settings; pass a ``QSettings`` (tests use an ini file in a temp folder)."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self.qsettings = qsettings if qsettings is not None else open_qsettings()
        # Why the settings file had to be set aside at start, for the window to say.
        self.problem = set_aside_if_unreadable(self.qsettings)
        if self.problem is not None:
            self.qsettings = QSettings(self.qsettings.fileName(), QSettings.Format.IniFormat)
        if self.qsettings.status() != QSettings.Status.NoError:
            log.warning(
                "the settings file %s could not be read completely (%s); unreadable values "
                "are ignored",
                self.qsettings.fileName(),
                self.qsettings.status().name,
            )

    # -- saved connections -----------------------------------------------------------------

    def connections(self) -> list[SavedConnection]:
        """Saved connections in the user's order; corrupt entries are skipped with a warning."""
        raw = self.qsettings.value(KEY_CONNECTIONS)
        if raw is None:
            return []
        if not isinstance(raw, str):
            self._ignore(KEY_CONNECTIONS, "not text")
            return []
        import json  # saved connections are read after the first paint: so is json

        try:
            items = json.loads(raw)
        except ValueError:
            self._ignore(KEY_CONNECTIONS, "not JSON")
            return []
        if not isinstance(items, list):
            self._ignore(KEY_CONNECTIONS, "not a list")
            return []
        result: list[SavedConnection] = []
        seen: set[str] = set()
        for position, item in enumerate(items):
            try:
                connection = SavedConnection.from_json(item)
            except ValueError as error:
                self._ignore(f"{KEY_CONNECTIONS}[{position}]", str(error))
                continue
            if connection.id in seen:
                self._ignore(f"{KEY_CONNECTIONS}[{position}]", "duplicate id")
                continue
            seen.add(connection.id)
            result.append(connection)
        return result

    def connection(self, connection_id: str) -> SavedConnection | None:
        return next((c for c in self.connections() if c.id == connection_id), None)

    def save_connection(self, connection: SavedConnection) -> None:
        """Add a connection, or replace the one with the same id in place."""
        connections = self.connections()
        for index, existing in enumerate(connections):
            if existing.id == connection.id:
                connections[index] = connection
                break
        else:
            connections.append(connection)
        self._write_connections(connections)

    def remove_connection(self, connection_id: str) -> None:
        remaining = [c for c in self.connections() if c.id != connection_id]
        self._write_connections(remaining)
        if self.last_connection_key == connection_id:
            self.last_connection_key = None

    def _write_connections(self, connections: list[SavedConnection]) -> None:
        import json

        self.qsettings.setValue(KEY_CONNECTIONS, json.dumps([c.to_json() for c in connections]))

    # -- last used connection ----------------------------------------------------------------

    @property
    def last_connection_key(self) -> str | None:
        """The key of the connection chosen last (the window's key: "sandbox", an id, …)."""
        value = self.qsettings.value(KEY_LAST_CONNECTION)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self._ignore(KEY_LAST_CONNECTION, "not a connection key")
            return None
        return value

    @last_connection_key.setter
    def last_connection_key(self, key: str | None) -> None:
        if key:
            self.qsettings.setValue(KEY_LAST_CONNECTION, key)
        else:
            self.qsettings.remove(KEY_LAST_CONNECTION)

    # -- window layout (opaque Qt state blobs) -------------------------------------------------

    @property
    def window_geometry(self) -> QByteArray | None:
        """For ``QWidget.restoreGeometry``."""
        return self._blob(KEY_WINDOW_GEOMETRY)

    @window_geometry.setter
    def window_geometry(self, value: QByteArray | bytes | None) -> None:
        self._set_blob(KEY_WINDOW_GEOMETRY, value)

    @property
    def window_state(self) -> QByteArray | None:
        """For ``QMainWindow.restoreState``."""
        return self._blob(KEY_WINDOW_STATE)

    @window_state.setter
    def window_state(self, value: QByteArray | bytes | None) -> None:
        self._set_blob(KEY_WINDOW_STATE, value)

    @property
    def splitter_state(self) -> QByteArray | None:
        """For ``QSplitter.restoreState``."""
        return self._blob(KEY_SPLITTER_STATE)

    @splitter_state.setter
    def splitter_state(self, value: QByteArray | bytes | None) -> None:
        self._set_blob(KEY_SPLITTER_STATE, value)

    @property
    def table_header_state(self) -> QByteArray | None:
        """For ``QHeaderView.restoreState`` of the token table."""
        return self._blob(KEY_TABLE_HEADER_STATE)

    @table_header_state.setter
    def table_header_state(self, value: QByteArray | bytes | None) -> None:
        self._set_blob(KEY_TABLE_HEADER_STATE, value)

    def _blob(self, key: str) -> QByteArray | None:
        value = self.qsettings.value(key)
        if value is None:
            return None
        if isinstance(value, QByteArray) and not value.isEmpty():
            return value
        self._ignore(key, "not saved window state")
        return None

    def _set_blob(self, key: str, value: QByteArray | bytes | None) -> None:
        blob = QByteArray(value) if value is not None else QByteArray()
        if blob.isEmpty():
            self.qsettings.remove(key)
        else:
            self.qsettings.setValue(key, blob)

    # -- clipboard -----------------------------------------------------------------------------

    @property
    def clipboard_clear_seconds(self) -> int:
        """Seconds after which a copied token is cleared from the clipboard; 0 means never."""
        value: Any = self.qsettings.value(KEY_CLIPBOARD_CLEAR_SECONDS)
        if value is None:
            return DEFAULT_CLIPBOARD_CLEAR_SECONDS
        seconds: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            seconds = value
        elif isinstance(value, str) and value.strip().isdigit():
            seconds = int(value.strip())
        if seconds is None or not 0 <= seconds <= MAX_CLIPBOARD_CLEAR_SECONDS:
            self._ignore(KEY_CLIPBOARD_CLEAR_SECONDS, f"not 0–{MAX_CLIPBOARD_CLEAR_SECONDS}")
            return DEFAULT_CLIPBOARD_CLEAR_SECONDS
        return seconds

    @clipboard_clear_seconds.setter
    def clipboard_clear_seconds(self, seconds: int) -> None:
        if not 0 <= seconds <= MAX_CLIPBOARD_CLEAR_SECONDS:
            raise ValueError(f"clipboard clear seconds must be 0–{MAX_CLIPBOARD_CLEAR_SECONDS}")
        self.qsettings.setValue(KEY_CLIPBOARD_CLEAR_SECONDS, seconds)

    # -- writing -------------------------------------------------------------------------------

    def sync(self) -> str | None:
        """Write pending changes now; a plain-words problem when the file could not be written."""
        self.qsettings.sync()
        # A FormatError is sticky from reading a damaged file (warned about at start); Qt still
        # writes a clean file then, so only an AccessError means the save did not happen.
        if self.qsettings.status() != QSettings.Status.AccessError:
            return None
        log.warning("settings could not be written to %s", self.qsettings.fileName())
        return f"The settings file {self.qsettings.fileName()} could not be written."

    def _ignore(self, key: str, why: str) -> None:
        log.warning("ignoring setting %s in %s: %s", key, self.qsettings.fileName(), why)
