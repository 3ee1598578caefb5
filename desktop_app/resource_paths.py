"""One way to find shipped files, whether running from source, a wheel or a frozen build."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root is not None:  # PyInstaller unpacks datas under _MEIPASS/resources
        return Path(frozen_root) / "resources"
    import desktop_app.resources as package  # maps to the repository's resources/ folder

    return Path(package.__file__).resolve().parent


def resource_path(*parts: str) -> Path:
    path = resources_dir().joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"missing resource: {'/'.join(parts)} (looked in {path})")
    return path
