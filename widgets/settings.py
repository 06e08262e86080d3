"""Workstation settings: recent case paths, window layout, auto-lock minutes.

Stored in an INI file in the user's config folder (platformdirs), named explicitly rather
than through QSettings' default location, which Qt caches once per process. Only paths
and layout live here, never case content: the settings file is plaintext.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs
from PySide6.QtCore import QSettings

RECENT_MAX = 10
DEFAULT_AUTOLOCK_MINUTES = 15


def settings_path() -> Path:
    return Path(platformdirs.user_config_dir("threadline")) / "workstation.ini"


def workstation() -> QSettings:
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return QSettings(str(path), QSettings.Format.IniFormat)


def recent_cases() -> list[Path]:
    raw = workstation().value("recent/cases", [])
    # An INI file gives back a lone string for a one-item list.
    items = [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, list) else []
    return [Path(p) for p in items if p]


def add_recent(path: Path) -> None:
    path = path.absolute()
    kept = [p for p in recent_cases() if p != path]
    settings = workstation()
    settings.setValue("recent/cases", [str(p) for p in [path, *kept][:RECENT_MAX]])
    settings.sync()


def autolock_minutes() -> float:
    value = workstation().value("safety/autolock_minutes", DEFAULT_AUTOLOCK_MINUTES)
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return DEFAULT_AUTOLOCK_MINUTES
