"""Importers: one module per format. Each reads a file and yields drafts; none touches the store.

Registered in one explicit tuple (no entry-point magic) so the bundle and `formats` agree.
"""

from __future__ import annotations

from typing import Protocol


class ImporterModule(Protocol):
    name: str
    patterns: tuple[str, ...]
    description: str


REGISTRY: tuple[ImporterModule, ...] = ()
