"""`threadline brief`: placeholder until its issue lands (registers nothing yet)."""

from __future__ import annotations

from typing import Any


def register(verbs: Any) -> None:
    """Add the verb to the parser (filled in by the issue that builds it)."""
