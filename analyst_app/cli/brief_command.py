"""`threadline brief CASE -o OUT.pdf [--no-redact]`: write the prosecution brief.

Redacted by default (victims as Victim-1, Victim-2 ...); `--no-redact` writes the sealed
version. If the red-flag rules were never run on the case and the findings engine is
present, they are run (and stored, audited) first, so the brief has its findings section.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from analyst_app import keys
from analyst_app.store import Case

# reportlab, networkx and the findings engine are imported when a brief is written, not
# when the parser is built: every other verb would pay for them (about a second).


def _run_rules_if_never_run(case: Case) -> int | None:
    """Run and store the findings when none were ever stored; None if they were."""
    from analyst_app.brief.data import findings_run
    from analyst_app.findings import run_rules, store_findings

    if findings_run(case):
        return None
    found = run_rules(case)
    store_findings(case, found)
    return len(found)


def cmd_brief(args: argparse.Namespace) -> int:
    path = Path(args.case)
    out = Path(args.output)
    if out.suffix.lower() != ".pdf":
        out = out.with_name(out.name + ".pdf")
    with Case.open(path, keys.obtain(path)) as case:
        ran = None if args.no_rules else _run_rules_if_never_run(case)
        if ran is not None and not args.json:
            print(f"Ran the red-flag rules first: {ran} findings.", file=sys.stderr)
        from analyst_app.brief import build_brief

        result = build_brief(case, out, redact=not args.no_redact, chart_view=args.view)
    summary: dict[str, Any] = {
        "file": str(result.path),
        "pages": result.pages,
        "sha256": result.sha256,
        "redacted": result.redacted,
        "victims": result.victims,
        "findings": result.findings,
        "exhibits": result.exhibits,
    }
    if args.json:
        json.dump(summary, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        kind = (
            f"redacted, {result.victims} victims named by pseudonym"
            if result.redacted
            else "UNREDACTED: file under seal"
        )
        print(
            f"Wrote {result.path}: {result.pages} pages ({kind}), {result.exhibits} exhibits, "
            f"{result.findings} findings; SHA-256 {result.sha256}."
        )
    return 0


def register(verbs: Any) -> None:
    """Add `brief` to the parser."""
    text = "write the prosecution-ready PDF brief (redacted unless --no-redact)"
    parser: argparse.ArgumentParser = verbs.add_parser("brief", help=text, description=text)
    parser.add_argument("case", metavar="CASE", help="path of the case file")
    parser.add_argument("-o", "--output", required=True, metavar="OUT.pdf", help="PDF to write")
    parser.add_argument(
        "--no-redact",
        action="store_true",
        help="name victims and show full identifiers; marked UNREDACTED - FILE UNDER SEAL",
    )
    parser.add_argument("--view", metavar="NAME", help="saved chart view to draw (default: "
                        "the brief_chart_view setting, else suspects and victims)")  # fmt: skip
    parser.add_argument(
        "--no-rules", action="store_true", help="do not run the red-flag rules first"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(run=cmd_brief)
