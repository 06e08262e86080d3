"""`threadline demo CASE`: build the demo case from its raw files through the importers."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from analyst_app.cli.import_command import ProgressBar


def cmd_demo(args: argparse.Namespace) -> int:
    # The generators and importers load for this verb only, not for every command line.
    from analyst_app.demo.build import DEMO_PASSPHRASE, build_demo_case

    bars: dict[str, ProgressBar] = {}

    def progress(name: str, fraction: float) -> None:
        bars.setdefault(name, ProgressBar(name))(fraction)

    report = build_demo_case(
        Path(args.case),
        size=args.size,
        raw_dir=Path(args.raw_dir) if args.raw_dir else None,
        replace=args.replace,
        progress=progress,
    )
    for bar in bars.values():
        bar.done()
    if args.json:
        json.dump(report.as_dict(), sys.stdout, indent=1)
        sys.stdout.write("\n")
        return 0
    for summary in report.imports:
        print(
            f"{summary.file:<28} {summary.format:<13} {summary.rows:>9,} rows, "
            f"{summary.quarantined_rows:,} quarantined"
        )
    print(
        f"Demo case written to {report.case} (passphrase: {DEMO_PASSPHRASE}); "
        f"raw files and ground_truth.json in {report.raw_dir}."
    )
    return 0


def register(verbs: Any) -> None:
    parser = verbs.add_parser(
        "demo",
        help="build the demo case from its raw files through the real importers",
        description="build the demo case (passphrase 'demo') from generated raw files",
    )
    parser.add_argument("case", metavar="CASE", help="path of the case file to create")
    parser.add_argument("--size", choices=("small", "large"), default="small")
    parser.add_argument("--raw-dir", help="where the raw files go (default: CASE-raw beside it)")
    parser.add_argument("--replace", action="store_true", help="replace an existing demo case")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(run=cmd_demo)
