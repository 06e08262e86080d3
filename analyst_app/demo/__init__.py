"""The demo case: raw files of a fictional trafficking case, with a known answer key.

`write_raw_files` writes the files the importers read (FORMATS.md layouts) and
`ground_truth.json`, from a fixed seed: the same seed gives the same bytes. The demo case is
then built by importing those files, so it exercises the real pipeline. Pure Python, no Qt.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analyst_app.demo.ads import write_ads
from analyst_app.demo.cdr import ring_events, write_cdr
from analyst_app.demo.common import SIZES, child_rng, open_text
from analyst_app.demo.extraction import write_extraction
from analyst_app.demo.ground_truth import ground_truth
from analyst_app.demo.money_plants import write_bank
from analyst_app.demo.people import build_cast
from analyst_app.demo.reports import write_community, write_workers
from analyst_app.demo.tips import write_tips

DEFAULT_SEED = 20240611
GROUND_TRUTH = "ground_truth.json"


@dataclass(frozen=True, slots=True)
class DemoFile:
    path: Path
    format: str  # the importer that reads it (FORMATS.md)
    rows: int  # records written (rows, lines, reports, decoded models)


@dataclass(frozen=True, slots=True)
class DemoManifest:
    folder: Path
    size: str
    seed: int
    details: tuple[DemoFile, ...]  # in import order, with format and record count
    ground_truth: dict[str, Any]
    ground_truth_path: Path

    @property
    def files(self) -> tuple[Path, ...]:
        """The raw files in import order (tips first, the ads last)."""
        return tuple(d.path for d in self.details)


def write_raw_files(
    folder: Path,
    size: str = "small",
    seed: int = DEFAULT_SEED,
    progress: Callable[[str], None] | None = None,
) -> DemoManifest:
    """Write the demo case's raw files into `folder` (created if needed)."""
    if size not in SIZES:
        raise ValueError(f"unknown demo size {size!r}: choose {' or '.join(SIZES)}")
    spec = SIZES[size]
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    cast = build_cast(child_rng(seed, "cast"), spec)
    ring = ring_events(cast, child_rng(seed, "ring"))
    steps: tuple[tuple[str, str, Callable[[Path], int]], ...] = (
        ("tips.csv", "tips", lambda p: write_tips(p, cast, spec, child_rng(seed, "tips"))),
        ("community_reports.json", "community",
         lambda p: write_community(p, cast, spec, child_rng(seed, "community"))),
        ("worker_messages.csv", "worker-voice",
         lambda p: write_workers(p, cast, spec, child_rng(seed, "workers"))),
        ("phone_extraction/report.xml", "ufdr",
         lambda p: write_extraction(p, cast, ring, child_rng(seed, "extraction"))),
        ("cdr.csv", "cdr", lambda p: write_cdr(p, cast, ring, spec, child_rng(seed, "cdr"))),
        ("bank_transactions.csv", "bank",
         lambda p: write_bank(p, cast, spec, child_rng(seed, "bank"))),
        ("ads.jsonl", "ads", lambda p: write_ads(p, cast, spec, child_rng(seed, "ads"))),
    )  # fmt: skip
    files = []
    for name, fmt, write in steps:
        if progress is not None:
            progress(f"writing {name}")
        path = folder / name
        files.append(DemoFile(path, fmt, write(path)))
    listing = [{"name": f.path.relative_to(folder).as_posix(), "format": f.format, "rows": f.rows}
               for f in files]  # fmt: skip
    truth = ground_truth(cast, seed, size, listing)
    truth_path = folder / GROUND_TRUTH
    with open_text(truth_path) as handle:
        json.dump(truth, handle, indent=2, ensure_ascii=False)
        handle.write("\n")
    return DemoManifest(folder, size, seed, tuple(files), truth, truth_path)


__all__ = ["DEFAULT_SEED", "SIZES", "DemoFile", "DemoManifest", "write_raw_files"]
