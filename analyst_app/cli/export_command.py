"""`threadline export CASE --format ftm|anx|graphml|gexf|csv -o OUT`: audited, all or nothing."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from analyst_app import keys
from analyst_app.store import Case

# analyst_app.exchange.FORMATS, named here so building the parser does not load every
# writer (tests/test_export.py keeps the two equal).
FORMATS = ("ftm", "anx", "graphml", "gexf", "csv")


def cmd_export(args: argparse.Namespace) -> int:
    case_path = Path(args.case)
    ids = [i for chunk in args.ids for i in chunk.split(",") if i] if args.ids else None
    with Case.open(case_path, keys.obtain(case_path)) as case:
        from analyst_app.exchange import export_case

        summary = export_case(case, args.format, args.output, ids=ids)
    report = summary.as_dict()
    if args.json:
        json.dump(report, sys.stdout, indent=1)
        sys.stdout.write("\n")
        return 0
    written = report["written"]
    where = {
        "zip": " (a zip of entities.csv, links.csv, events.csv)",
        "folder": " (a folder of entities.csv, links.csv, events.csv)",
    }.get(report["layout"], "")
    print(
        f"Exported {written['entities']} entities, {written['links']} links and "
        f"{written['events']} events as {args.format} to {args.output}{where}."
    )
    for what, count in report["not_written"].items():
        print(f"  not written: {count} {what}")
    return 0


def register(verbs: Any) -> None:
    parser = verbs.add_parser(
        "export",
        help="export the case for i2, Gephi, Maltego users, Aleph or a spreadsheet",
        description="export the case (or some of it) as followthemoney, i2 ANX, GraphML, GEXF "
        "or CSV; the export is recorded in the audit trail",
    )
    parser.add_argument("case", metavar="CASE", help="path of the case file")
    parser.add_argument("--format", required=True, choices=FORMATS, help="the format to write")
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="OUT",
        help="file to write; for csv a folder, or a .zip",
    )
    parser.add_argument(
        "--ids",
        action="append",
        metavar="ID[,ID...]",
        help="export only these entities, links or events (and what joins them)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(run=cmd_export)
