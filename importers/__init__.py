"""Importers: one module per format. Each reads a file and yields rows of drafts.

Registered in one explicit tuple (no entry-point magic) so the bundle, `threadline formats`
and the sniffer agree. The contract is in importers/base.py.
"""

from __future__ import annotations

from typing import cast

from importers import (
    ads,
    anx,
    bank,
    cdr,
    community,
    csv_mapped,
    ftm,
    gexf,
    graphml,
    maltego,
    tips,
    ufdr,
    worker_voice,
)
from importers.base import Importer

# Format modules are added here as they land.
_MODULES: tuple[object, ...] = (
    cdr,
    csv_mapped,
    bank,
    ads,
    ufdr,
    tips,
    community,
    worker_voice,
    anx,
    ftm,
    gexf,
    graphml,
    maltego,
)

REGISTRY: tuple[Importer, ...] = tuple(cast(Importer, m) for m in _MODULES)

__all__ = ["REGISTRY", "Importer"]
