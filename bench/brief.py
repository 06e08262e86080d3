"""Brief benchmark (issue 8): figures printed, not a pass/fail test.

1. The demo case (built through the real importers, rules run): brief time (target < 5 s).
2. A synthetic case of 10,000 entities and 20,000 links, with a saved chart view of 2,000
   entities and a finding of 10,000 evidence rows: brief time (target < 30 s) and the peak
   memory of this process (target < 1 GB).
Each brief is built twice, to show the second build gives the same bytes.
Run: `.venv/bin/python bench/brief.py [--skip-demo] [--entities N] [--chart N] [--rows N]`.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyst_app.brief import build_brief  # noqa: E402
from analyst_app.model import Entity, Link  # noqa: E402
from analyst_app.store import Case  # noqa: E402
from analyst_app.store.case import utc_now  # noqa: E402
from analyst_app.store.editing import add_records  # noqa: E402

KINDS = ("Person", "Phone", "Account", "Email", "Address", "Organization")
LINKS = {("Person", "Phone"): "uses", ("Person", "Email"): "uses", ("Person", "Account"): "owns",
         ("Person", "Address"): "lives_at", ("Person", "Organization"): "works_at"}  # fmt: skip


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_brief(case: Case, out: Path, **options: object) -> tuple[float, str, int]:
    """Wall time; the CPU time is printed too, because on a shared machine the wall time
    mostly measures the other processes."""
    start, cpu = time.perf_counter(), time.process_time()
    result = build_brief(case, out, **options)  # type: ignore[arg-type]
    took = time.perf_counter() - start
    print(f"    ({result.pages} pages: wall {took:.2f} s, CPU {time.process_time() - cpu:.2f} s)")
    return took, hashlib.sha256(out.read_bytes()).hexdigest(), result.pages


def demo(folder: Path) -> None:
    from analyst_app.demo.build import build_demo_case

    path = folder / "demo.case"
    build_demo_case(path)
    with Case.open(path, "demo") as case:
        engine = importlib.import_module("analyst_app.findings")
        if hasattr(engine, "run_rules"):
            engine.store_findings(case, engine.run_rules(case))
        for redact in (True, False):
            took, digest, pages = timed_brief(case, folder / "demo.pdf", redact=redact)
            again, digest2, _ = timed_brief(case, folder / "demo.pdf", redact=redact)
            kind = "redacted" if redact else "sealed"
            print(f"  demo brief, {kind:<8} {pages:4d} pages  {took:6.2f} s, again {again:6.2f} s"
                  f"  identical: {digest == digest2}  (target < 5 s)")  # fmt: skip


def synthetic_case(path: Path, entities: int, links: int, seed: int = 8) -> list[str]:
    rng = random.Random(seed)
    records: list[Entity | Link] = []
    ids = [f"{KINDS[i % len(KINDS)].lower()}:{i:06d}" for i in range(entities)]
    for i, eid in enumerate(ids):
        kind = KINDS[i % len(KINDS)]
        props = {
            "Phone": {"number": f"+1312555{i % 10_000:04d}"},
            "Email": {"address": f"e{i}@example.org"},
            "Account": {"number": f"77{i:010d}"},
            "Address": {"full": f"{i} Sample St, Springfield, IL", "city": "Springfield",
                        "region": "IL"},
        }.get(kind, {"name": f"{kind} {i}"})  # fmt: skip
        role = None
        if kind == "Person":
            role = "suspect" if i % 600 == 0 else "victim" if i % 600 == 6 else None
        records.append(Entity(type=kind, id=eid, label=f"{kind} {i}", properties=props, role=role))
    seen: set[tuple[str, str]] = set()
    while len(seen) < links:
        a = rng.randrange(0, entities, len(KINDS))  # a person
        b = (a // 60) * 60 + rng.randrange(60) if rng.random() < 0.8 else rng.randrange(entities)
        b = min(b, entities - 1)
        kb = KINDS[b % len(KINDS)]
        if a == b or (ids[a], ids[b]) in seen:
            continue
        seen.add((ids[a], ids[b]))
        records.append(Link(type=LINKS.get(("Person", kb), "associate"), source_id=ids[a],
                            target_id=ids[b], status="confirmed" if rng.random() < 0.3
                            else "unconfirmed"))  # fmt: skip
    with Case.create(path, "bench", {"case_number": "BENCH-1", "bates_prefix": "BN"}) as case:
        result = add_records(case, records, checked=False)
        if result.rejected:
            print(f"  ({len(result.rejected)} records refused, e.g. {result.rejected[0][1]})")
    return ids


def large(folder: Path, entities: int, chart: int, rows: int) -> None:
    path = folder / "large.case"
    start = time.perf_counter()
    ids = synthetic_case(path, entities, 2 * entities)
    print(f"  wrote a {entities:,}-entity case in {time.perf_counter() - start:.1f} s")
    with Case.open(path, "bench") as case:
        view = {"ids": ids[:chart], "layout": "force"}
        evidence = [
            {"object_id": ids[i % entities], "source_id": None, "file": "bank.csv",
             "sha256": "0" * 64, "locator": f"row {i + 2}",
             "text": f"2024-03-02 02:{i % 60:02d} cash deposit 9,{i % 1000:03d}.00 USD into "
                     f"account ending {i % 10_000:04d}"}
            for i in range(rows)
        ]  # fmt: skip
        with case.write("bench setup", {"chart": chart, "rows": rows}) as conn:
            now = utc_now()
            conn.execute(
                "INSERT INTO chart_views (name, view, created_at, updated_at) VALUES (?,?,?,?)",
                ("bench", json.dumps(view), now, now),
            )
            conn.execute(
                "INSERT INTO findings (id, rule, title, severity, explanation, entities, evidence,"
                " thresholds, run_at) VALUES (?,?,?,?,?,?,?,?,?)",
                ("bench:1", "bench", f"{rows:,} structured deposits", "high",
                 "Synthetic finding with many rows.", json.dumps(ids[:3]), json.dumps(evidence),
                 "{}", now),
            )  # fmt: skip
        took, digest, pages = timed_brief(case, folder / "large.pdf", chart_view="bench")
        print(f"  {entities:,} entities, {chart:,}-entity chart, {rows:,}-row table: "
              f"{pages} pages in {took:.1f} s (target < 30 s); peak RSS {rss_mb():,.0f} MB "
              "(target < 1,024 MB)")  # fmt: skip
        again, digest2, _ = timed_brief(case, folder / "large.pdf", chart_view="bench")
        print(
            f"  again: {again:.1f} s, identical: {digest == digest2}; "
            f"file {(folder / 'large.pdf').stat().st_size / 1e6:.1f} MB"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-demo", action="store_true")
    parser.add_argument("--entities", type=int, default=10_000)
    parser.add_argument("--chart", type=int, default=2_000)
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        if not args.skip_demo:
            print("Demo case")
            demo(folder)
        print("Large case")
        large(folder, args.entities, args.chart, args.rows)


if __name__ == "__main__":
    main()
