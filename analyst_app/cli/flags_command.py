"""`threadline flags CASE [--json]`: run the red-flag rules, store the findings, print them.

The `--json` shape is a contract (DESIGN.md, issue 7): `{"findings": [{"rule", "title",
"severity", "entities": [{"id", "label"}], "evidence": [...]}]}`; the extra keys (id, state,
explanation, thresholds, an entity's type and part) are for scripts that want more.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analyst_app import keys
from analyst_app.store import Case
from analyst_app.store.findings_rows import entity_names

if TYPE_CHECKING:
    from analyst_app.findings import Finding


def _entities(case: Case, findings: list[Finding]) -> dict[str, tuple[str, str]]:
    return entity_names(case, sorted({e for f in findings for e in f.entities}))


def as_json(finding: Finding, entities: dict[str, tuple[str, str]]) -> dict[str, Any]:
    return {
        "id": finding.id,
        "rule": finding.rule,
        "title": finding.title,
        "severity": finding.severity,
        "state": finding.state,
        "explanation": finding.explanation,
        "entities": [
            {
                "id": e,
                "label": entities.get(e, ("", e))[1],
                "type": entities.get(e, ("", ""))[0],
                "part": "counterpart" if e in finding.counterparts else "subject",
            }
            for e in finding.entities
        ],
        "evidence": [ev.as_dict() for ev in finding.evidence],
        "thresholds": finding.thresholds,
    }


def cmd_flags(args: argparse.Namespace) -> int:
    # The rules (and numpy) load for this verb only, not for every command line.
    from analyst_app.findings import load_findings, run_rules, store_findings, suggest_tags

    path = Path(args.case)
    with Case.open(path, keys.obtain(path)) as case:
        found = run_rules(case)
        store_findings(case, found)
        tags = suggest_tags(case)
        findings = load_findings(case)
        entities = _entities(case, findings)
    if args.json:
        data = {
            "findings": [as_json(f, entities) for f in findings],
            "tags_suggested": len(tags),
        }
        json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    if not findings:
        print("No red flags found.")
    for f in findings:
        state = "" if f.state == "open" else f"  [{f.state}]"
        print(f"{f.severity:<7}{f.rule:<17}{f.title}{state}")
        subjects = [entities.get(e, ("", e))[1] for e in f.subjects][:6]
        more = len(f.subjects) - len(subjects)
        line = ", ".join(subjects) + (f" and {more} more" if more > 0 else "")
        if f.counterparts:
            line += f"; {len(f.counterparts)} potential victim(s) as counterparts"
        print(f"{'':<24}{line}")
        print(f"{'':<24}{len(f.evidence)} evidence rows")
    print(f"{len(findings)} findings; {len(tags)} new indicator tag suggestions from tips.")
    return 0


def register(verbs: Any) -> None:
    """Add `flags` to the parser."""
    parser: argparse.ArgumentParser = verbs.add_parser(
        "flags",
        help="red-flag findings",
        description="Run the red-flag rules over the case, store the findings (audited) and "
        "print them. Thresholds: the case setting findings_thresholds (YAML).",
    )
    parser.add_argument("case", metavar="CASE", help="path of the case file")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(run=cmd_flags)
