"""Export a case (or part of it) for the tools analysts exchange charts with.

`export_case(case, fmt, out_path, ids=None)` writes one of FORMATS and records the export
in the audit trail: what was written, how much, the file's SHA-256. The file is written
beside its destination and moved into place only when complete, so a failure never leaves
half a file where the analyst expects one.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analyst_app.exchange.anx_writer import write_anx
from analyst_app.exchange.ftm_writer import write_ftm
from analyst_app.exchange.graphs import write_gexf, write_graphml
from analyst_app.exchange.snapshot import Snapshot, read_snapshot
from analyst_app.exchange.tables import write_csv
from analyst_app.store.case import Case
from analyst_app.store.errors import CaseError

FORMATS = ("ftm", "anx", "graphml", "gexf", "csv")


class ExportError(CaseError):
    pass


@dataclass
class ExportSummary:
    format: str
    path: str
    written: dict[str, int]
    not_written: dict[str, int] = field(default_factory=dict)
    layout: str = "file"
    sha256: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "path": self.path,
            "layout": self.layout,
            "written": self.written,
            "not_written": self.not_written,
            "sha256": self.sha256,
        }


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    if path.is_dir():
        for child in sorted(path.iterdir()):
            sha.update(child.name.encode() + b"\0" + child.read_bytes())
    else:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                sha.update(block)
    return sha.hexdigest()


def _write(case: Case, fmt: str, snap: Snapshot, tmp: Path, summary: ExportSummary) -> None:
    if fmt == "anx":
        undrawn = write_anx(snap, case.schema, tmp)
        summary.written = {**summary.written, "events": len(snap.events) - undrawn}
        if undrawn:
            summary.not_written = {"events with fewer than two entities": undrawn}
    elif fmt in ("graphml", "gexf"):
        drawn = (write_graphml if fmt == "graphml" else write_gexf)(snap, case.schema, tmp)
        summary.written = {**summary.written, "events": drawn}
        if len(snap.events) > drawn:
            summary.not_written = {"events with fewer than two entities": len(snap.events) - drawn}
    elif fmt == "ftm":
        summary.not_written = write_ftm(snap, tmp)
    else:
        summary.layout = write_csv(snap, tmp)


def export_case(
    case: Case, fmt: str, out_path: str | Path, *, ids: Collection[str] | None = None
) -> ExportSummary:
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ExportError(
            f"There is no export format {fmt!r}; the formats are: {', '.join(FORMATS)}."
        )
    out = Path(out_path)
    if not out.parent.is_dir():
        raise ExportError(f"The folder {out.parent} does not exist; create it or choose another.")
    if out.is_dir() and not (fmt == "csv" and out.suffix.lower() != ".zip"):
        raise ExportError(f"{out} is a folder; give a file name to export to.")
    snap = read_snapshot(case, ids)
    if ids is not None and not (snap.entities or snap.links or snap.events):
        raise ExportError("None of the ids given is in the case, so there is nothing to export.")
    summary = ExportSummary(format=fmt, path=str(out), written=snap.counts())
    staging = Path(tempfile.mkdtemp(prefix=".threadline-export-", dir=out.parent))
    try:
        tmp = staging / out.name
        details: dict[str, Any] = {"format": fmt, "file": out.name, **snap.counts()}
        if ids is not None:
            details["subset"] = sorted(ids)[:1000]
            details["subset_size"] = len(ids)
        with case.write("export", details):
            _write(case, fmt, snap, tmp, summary)
            summary.sha256 = _digest(tmp)
            details.update(
                sha256=summary.sha256, not_written=summary.not_written, layout=summary.layout
            )
            if out.is_dir():
                for child in tmp.iterdir():
                    os.replace(child, out / child.name)
            else:
                os.replace(tmp, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return summary


__all__ = ["FORMATS", "ExportError", "ExportSummary", "export_case"]
