"""Build the demo case the way an analyst would: write the raw files, then import them.

The demo exercises the real pipeline (importers, ingest, store), so a trainer's case is
exactly what an analyst's import would give. Its passphrase is `demo`, and the app says so.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analyst_app.ingest import ImportSummary, import_file
from analyst_app.store import Case, CaseError

DEMO_PASSPHRASE = "demo"
DEMO_SETTINGS = {
    "case_number": "DEMO-2024-0611",
    "title": "Operation Lantern (fictional)",
    "agency": "Training Unit (fictional)",
    "time_zone": "America/Chicago",
    "phone_region": "US",
    "bates_prefix": "DEMO",
}


@dataclass
class DemoReport:
    case: Path
    raw_dir: Path
    imports: list[ImportSummary] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "case": str(self.case),
            "raw_dir": str(self.raw_dir),
            "passphrase": DEMO_PASSPHRASE,
            "imports": [summary.as_dict() for summary in self.imports],
        }


def default_raw_dir(case_path: Path) -> Path:
    return case_path.with_name(case_path.name + "-raw")


def build_demo_case(
    case_path: Path,
    *,
    size: str = "small",
    raw_dir: Path | None = None,
    replace: bool = False,
    progress: Callable[[str, float], None] | None = None,
) -> DemoReport:
    """Write the raw files into `raw_dir` and import them into a new case at `case_path`."""
    from analyst_app.demo import write_raw_files

    raw_dir = raw_dir or default_raw_dir(case_path)
    if case_path.exists():
        if not replace:
            raise CaseError(f"{case_path} already exists; remove it first or ask to replace it.")
        for leftover in (
            case_path,
            *(case_path.with_name(case_path.name + s) for s in ("-wal", "-shm")),
        ):
            leftover.unlink(missing_ok=True)
    if raw_dir.exists() and replace:
        shutil.rmtree(raw_dir)
    raw_dir.mkdir(parents=True, exist_ok=True)
    manifest = write_raw_files(raw_dir, size=size)  # ground_truth.json included
    report = DemoReport(case_path, raw_dir)
    with Case.create(case_path, DEMO_PASSPHRASE, DEMO_SETTINGS) as case:
        for file in manifest.files:

            def tick(fraction: float, name: str = file.name) -> None:
                if progress:
                    progress(name, fraction)

            report.imports.append(import_file(case, file, progress=tick))
    return report


def demo_case_path() -> Path:
    """Where `threadline --demo` keeps its demo case: the user's data folder."""
    import platformdirs

    return Path(platformdirs.user_data_dir("threadline")) / "demo" / "operation-lantern.case"


def ensure_demo_case(progress: Callable[[str, float], None] | None = None) -> Path:
    """Build the demo case on first use; later runs open the one already built."""
    path = demo_case_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        build_demo_case(path, progress=progress)
    return path
