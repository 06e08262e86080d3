"""Pick the importer for a file: by content first (sniff), by name second, or as told."""

from __future__ import annotations

from pathlib import Path

from analyst_app.store.errors import CaseError
from importers import REGISTRY, Importer

HEAD_BYTES = 64 * 1024


def by_name(name: str) -> Importer:
    for importer in REGISTRY:
        if importer.name == name:
            return importer
    names = ", ".join(i.name for i in REGISTRY)
    raise CaseError(f"There is no format called {name!r}; the formats are: {names}.")


def choose_importer(path: Path, format_name: str | None = None) -> Importer:
    if format_name:
        return by_name(format_name)
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as exc:
        raise CaseError(f"{path} cannot be read: {exc.strerror}.") from None
    if not head:
        raise CaseError(f"{path.name} is empty; there is nothing to import.")
    scored = sorted(
        ((imp.sniff(path, head), imp.name, imp) for imp in REGISTRY), key=lambda t: (-t[0], t[1])
    )
    if not scored or scored[0][0] <= 0:
        raise CaseError(
            f"Threadline does not recognise the format of {path.name}; "
            "choose one with --format (see 'threadline formats')."
        )
    return scored[0][2]
