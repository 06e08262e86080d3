"""Where shipped data lives, both in a source checkout and in a PyInstaller bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def resource_path(*parts: str) -> Path:
    """Path to a file under `resources/`; PyInstaller unpacks it beside the bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    base = Path(bundle) if bundle else Path(__file__).resolve().parent.parent
    return base.joinpath("resources", *parts)
