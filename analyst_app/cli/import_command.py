"""`threadline import CASE FILE...`: each file all-or-nothing, a progress bar, a summary."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

from analyst_app import keys
from analyst_app.store import Case, CaseError
from analyst_app.store.saved import saved_spec


class ProgressBar:
    """A one-line bar on stderr, drawn only when stderr is a terminal."""

    def __init__(self, label: str) -> None:
        self.label, self.enabled = label, sys.stderr.isatty()

    def __call__(self, fraction: float) -> None:
        if self.enabled:
            filled = int(fraction * 30)
            sys.stderr.write(
                f"\r[{'#' * filled}{'-' * (30 - filled)}] {fraction:4.0%} {self.label}"
            )
            sys.stderr.flush()

    def done(self) -> None:
        if self.enabled:
            sys.stderr.write("\r" + " " * (40 + len(self.label)) + "\r")


def load_spec(case: Case, spec: str | None) -> tuple[dict[str, Any] | None, str | None]:
    """A spec file's contents, or a spec saved in the case under that name."""
    if spec is None:
        return None, None
    path = Path(spec)
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        name = path.stem
    else:
        saved = saved_spec(case, spec)
        if saved is None:
            raise CaseError(
                f"There is no spec file {spec} and no spec saved in the case by that name."
            )
        text, name = saved, spec
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError:
        raise CaseError(f"The spec {spec} is not valid YAML.") from None
    if not isinstance(raw, dict):
        raise CaseError(f"The spec {spec} must be a mapping of keys to values.")
    return raw, name


def cmd_import(args: argparse.Namespace) -> int:
    from analyst_app import ingest  # the importers load for this verb only

    case_path = Path(args.case)
    failures, reports = 0, []
    with Case.open(case_path, keys.obtain(case_path)) as case:
        spec, spec_name = load_spec(case, args.spec)
        for file in args.files:
            bar = ProgressBar(Path(file).name)
            try:
                summary = ingest.import_file(
                    case,
                    file,
                    format_name=args.format,
                    spec=spec,
                    spec_name=spec_name,
                    progress=bar,
                )
            except CaseError as exc:
                bar.done()
                failures += 1
                print(f"threadline: {exc}", file=sys.stderr)
                reports.append({"file": Path(file).name, "error": str(exc)})
                continue
            bar.done()
            reports.append(summary.as_dict())
            if not args.json:
                print(_describe(summary.as_dict()))
    if args.json:
        json.dump({"files": reports, "failed": failures}, sys.stdout, indent=1)
        sys.stdout.write("\n")
    return 1 if failures else 0


def _describe(report: dict[str, Any]) -> str:
    added = report["added"]
    lines = [
        f"{report['file']} ({report['format']}): {report['rows']} rows: "
        f"{report['imported_rows']} imported, {report['present_rows']} already present, "
        f"{report['quarantined_rows']} quarantined; added {added['entities']} entities, "
        f"{added['links']} links, {added['events']} events."
    ]
    if report.get("enriched_entities"):
        lines.append(
            f"  {report['enriched_entities']} entities already in the case gained properties."
        )
    if report.get("partial_rows"):
        lines.append(
            f"  {report['partial_rows']} rows imported without a part that could not be read"
            " (kept in quarantine with the reason)."
        )
    lines += [f"  quarantined {reason}" for reason in report["first_reasons"]]
    return "\n".join(lines)


def register(verbs: Any) -> None:
    parser = verbs.add_parser(
        "import",
        help="import files into a case",
        description="import files into a case (each file all or nothing)",
    )
    parser.add_argument("case", metavar="CASE", help="path of the case file")
    parser.add_argument("files", metavar="FILE", nargs="+", help="files to import")
    parser.add_argument("--format", help="the format to read (see 'threadline formats')")
    parser.add_argument("--spec", help="a mapping spec file, or the name of one saved in the case")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(run=cmd_import)
