"""Verbs that work on a case file: new, add, stats, search, verify, remember, forget, formats."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from analyst_app import keys
from analyst_app.model import Entity
from analyst_app.store import Case, CaseError
from analyst_app.store.editing import add_one
from analyst_app.store.queries import search, stats
from analyst_app.store.sources import verify

Handler = Callable[[argparse.Namespace], int]


def _emit(data: dict[str, Any]) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


def _open(path: str) -> Case:
    case_path = Path(path)
    return Case.open(case_path, keys.obtain(case_path))


def cmd_new(args: argparse.Namespace) -> int:
    path = Path(args.case)
    settings = {
        k: v
        for k, v in (
            ("case_number", args.number),
            ("agency", args.agency),
            ("time_zone", args.tz),
            ("phone_region", args.region),
        )
        if v
    }
    with Case.create(path, keys.obtain(path, new=True), settings) as case:
        print(f"Created {path} (case id {case.case_id}).")
    return 0


def _parse_props(pairs: list[str]) -> dict[str, str | list[str]]:
    props: dict[str, str | list[str]] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise CaseError(f"--prop {pair!r} is not of the form name=value.")
        existing = props.get(key)
        if existing is None:
            props[key] = value
        else:
            props[key] = [*([existing] if isinstance(existing, str) else existing), value]
    return props


def cmd_add(args: argparse.Namespace) -> int:
    entity = Entity(
        type=args.type,
        label=args.label or "",
        properties=_parse_props(args.prop),
        status=args.status,
        role=args.role,
    )
    with _open(args.case) as case:
        entity_id = add_one(case, entity)
    print(entity_id)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    with _open(args.case) as case:
        data = stats(case)
    if args.json:
        _emit(data)
        return 0
    for kind in ("entities", "links", "events"):
        total = sum(data[kind].values())
        detail = ", ".join(f"{t} {n}" for t, n in data[kind].items())
        print(f"{kind.capitalize():<12}{total:>9}  {detail}")
    print(f"{'Sources':<12}{data['sources']:>9}")
    print(f"{'Quarantined':<12}{data['quarantined']:>9}")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    with _open(args.case) as case:
        hits = search(case, args.query, limit=args.limit)
    if args.json:
        _emit({"query": args.query, "count": len(hits), "results": [h.as_dict() for h in hits]})
        return 0
    for hit in hits:
        print(f"{hit.type:<14}{hit.id:<48}{hit.label}")
    if not hits:
        print("No matches.")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    with _open(args.case) as case:
        report = verify(case)
    chain = report.chain
    if args.json:
        sources = [
            {"id": c.source_id, "file": c.file_name, "state": c.state} for c in report.sources
        ]
        _emit(
            {
                "ok": report.ok,
                "audit_entries": chain.entries,
                "first_broken": chain.first_broken,
                "reason": chain.reason or None,
                "sources": sources,
            }
        )
    else:
        if chain.intact:
            print(f"Audit trail intact: {chain.entries} entries.")
        else:
            print(f"Audit trail broken at entry {chain.first_broken}: {chain.reason}.")
        for check in report.sources:
            print(f"Source {check.source_id} {check.file_name}: {check.state}")
    if not report.ok:
        print("threadline: verification failed.", file=sys.stderr)
        return 1
    return 0


def cmd_remember(args: argparse.Namespace) -> int:
    path = Path(args.case)
    passphrase = keys.obtain(path)
    with Case.open(path, passphrase) as case:
        keys.remember(path, case.case_id, passphrase)
    print(f"The passphrase for {path.name} is now kept in the OS keyring.")
    return 0


def cmd_forget(args: argparse.Namespace) -> int:
    found = keys.forget(Path(args.case))
    print("Forgotten." if found else "That case's passphrase was not remembered.")
    return 0


def cmd_formats(args: argparse.Namespace) -> int:
    from importers import REGISTRY

    rows = [
        {"name": m.name, "patterns": list(m.patterns), "reads": m.description} for m in REGISTRY
    ]
    if args.json:
        _emit({"formats": rows})
        return 0
    for row in rows:
        print(f"{row['name']:<16}{', '.join(row['patterns']):<28}{row['reads']}")
    return 0


def register(verbs: Any) -> None:
    def verb(
        name: str, handler: Handler, help_text: str, *, case: bool = True, json_flag: bool = False
    ) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = verbs.add_parser(
            name, help=help_text, description=help_text
        )
        if case:
            parser.add_argument("case", metavar="CASE", help="path of the case file")
        if json_flag:
            parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.set_defaults(run=handler)
        return parser

    new = verb("new", cmd_new, "create an empty encrypted case")
    new.add_argument("--number", help="case number")
    new.add_argument("--agency", help="agency name")
    new.add_argument("--tz", help="the case's time zone, e.g. America/Chicago (default UTC)")
    new.add_argument("--region", help="default phone region, e.g. US, GB (default US)")
    add = verb("add", cmd_add, "add one entity (handy for scripts and tests)")
    add.add_argument("--type", required=True, help="entity type, e.g. Person, Phone")
    add.add_argument("--label", help="label shown on the chart")
    add.add_argument(
        "--prop",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a property; repeat for more (or for several values)",
    )
    add.add_argument(
        "--status", default="unconfirmed", choices=("confirmed", "unconfirmed", "suspected")
    )
    add.add_argument("--role", choices=("suspect", "victim", "witness", "associate", "unknown"))
    verb("stats", cmd_stats, "counts by type, sources, quarantined rows", json_flag=True)
    found = verb("search", cmd_search, "full-text search over labels and text", json_flag=True)
    found.add_argument("query", metavar="QUERY")
    found.add_argument("--limit", type=int, default=50)
    verb("verify", cmd_verify, "check the audit chain and source file hashes", json_flag=True)
    verb("remember", cmd_remember, "keep this case's passphrase in the OS keyring")
    verb("forget", cmd_forget, "remove this case's passphrase from the OS keyring")
    verb("formats", cmd_formats, "list importers", case=False, json_flag=True)
