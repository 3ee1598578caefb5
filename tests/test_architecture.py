"""The layering the README promises, checked in fresh interpreters."""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import desktop_app

PACKAGE_DIR = Path(desktop_app.__file__).parent


def modules(subpackage: str) -> list[str]:
    found = pkgutil.iter_modules([str(PACKAGE_DIR / subpackage)])
    return [f"desktop_app.{subpackage}.{m.name}" for m in found if not m.name.startswith("_")]


def loaded_after_importing(names: list[str]) -> set[str]:
    code = (
        "import sys\n"
        f"for name in {names!r}: __import__(name)\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return set(result.stdout.split())


def test_no_ui_module_loads_the_network_stack() -> None:
    ui_modules = modules("ui")
    assert "desktop_app.ui.main_window" in ui_modules  # the check covers the real modules
    loaded = loaded_after_importing(ui_modules)
    assert "desktop_app.ui.main_window" in loaded
    assert "requests" not in loaded
    assert "urllib3" not in loaded
    assert "desktop_app.api.client" not in loaded


@pytest.mark.parametrize("layer", ["api", "sandbox"])
def test_the_api_and_sandbox_never_load_qt(layer: str) -> None:
    loaded = loaded_after_importing(modules(layer))
    assert not {name for name in loaded if name.startswith("PySide6")}


def test_the_sandbox_shares_nothing_with_the_client() -> None:
    loaded = loaded_after_importing(modules("sandbox"))
    assert not {name for name in loaded if name.startswith("desktop_app.api")}
