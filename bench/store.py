"""Store benchmark (issue 2): 1M entity/event rows through the store API into an encrypted
case, against plain `sqlite3.executemany` of the same rows into unencrypted tables.

Targets: store rate >= half the plain rate; FTS prefix query over 1M labels, median < 20 ms;
peak memory of the 1M insert < 500 MB. Each phase runs in its own process so its peak RSS
is its own. Run: `.venv/bin/python bench/store.py [--rows N]`.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

FIRST = [
    "Ana",
    "Bela",
    "Cruz",
    "Dara",
    "Emil",
    "Fenna",
    "Goran",
    "Hale",
    "Ines",
    "Jovan",
    "Kasia",
    "Luca",
    "Mira",
    "Nilo",
    "Oona",
    "Pavel",
    "Quin",
    "Rosa",
    "Sami",
    "Tomas",
]
LAST = [
    "Abernathy",
    "Brightwater",
    "Castellano",
    "Dunmore",
    "Eskildsen",
    "Falkenrath",
    "Grimsby",
    "Holloway",
    "Ivanova",
    "Jaskolski",
    "Kettering",
    "Lindqvist",
    "Marchetti",
]


def rows(count: int) -> Iterator[tuple[str, str, str, str, str, str]]:
    """(kind, id, label, a, b, start): 60% people, 40% calls between two earlier people.

    Deterministic arithmetic, not `random`: generating the rows must cost little next to
    writing them, or the floor measures the generator instead of SQLite.
    """
    people = 0
    for i in range(count):
        if i % 5 < 3:
            people += 1
            name = f"{FIRST[i % 20]} {LAST[(i // 20) % 13]} {i}"
            yield (
                "entity",
                f"person:{i:012d}",
                name,
                f"19{60 + i % 40}-0{1 + i % 9}-1{i % 10}",
                "",
                "",
            )
        else:
            a, b = (i * 7919) % people, (i * 104729) % people
            start = f"2024-0{1 + i % 9}-1{i % 10}T{10 + i % 14}:{10 + i % 50}:00Z"
            yield ("event", f"call:{i:012d}", "Call", str(a), str(b), start)


def store_phase(path: Path, count: int, checked: bool = True) -> dict[str, float]:
    from analyst_app.model import Entity, Event
    from analyst_app.store import Case
    from analyst_app.store.editing import add_records

    def records() -> Iterator[Entity | Event]:
        for kind, rid, label, a, b, start in rows(count):
            if kind == "entity":
                yield Entity(
                    type="Person", id=rid, label=label, properties={"name": label, "birth_date": a}
                )
            else:
                yield Event(
                    type="Call",
                    id=rid,
                    label=label,
                    start=start,
                    properties={"duration_s": "60"},
                    participants=[
                        ("caller", f"person:{int(a):012d}"),
                        ("callee", f"person:{int(b):012d}"),
                    ],
                )

    case = Case.create(path, "bench passphrase")
    began = time.perf_counter()
    result = add_records(case, records(), batch_size=50_000, checked=checked)
    elapsed = time.perf_counter() - began
    assert result.added == count, result
    case.close()
    return {"seconds": elapsed, "rate": count / elapsed, "peak_mb": _peak_mb()}


PLAIN_DDL = """
CREATE TABLE entities (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, type TEXT, role TEXT,
  label TEXT, properties TEXT, search_text TEXT, status TEXT, source_grade TEXT, info_grade TEXT,
  handling TEXT, created_at TEXT, updated_at TEXT);
CREATE TABLE events (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, type TEXT, start_utc TEXT,
  end_utc TEXT, label TEXT, properties TEXT, search_text TEXT, status TEXT, source_grade TEXT,
  info_grade TEXT, handling TEXT, created_at TEXT, updated_at TEXT);
CREATE TABLE event_entities (event_id TEXT, entity_id TEXT, role TEXT,
  PRIMARY KEY (event_id, entity_id, role)) WITHOUT ROWID;
"""


PLAIN_INDEXES = """
CREATE INDEX entities_type ON entities(type);
CREATE INDEX events_start ON events(start_utc);
CREATE INDEX events_type ON events(type);
CREATE INDEX event_entities_entity ON event_entities(entity_id);
"""


def plain_phase(path: Path, count: int, indexes: bool = False) -> dict[str, float]:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(PLAIN_DDL + (PLAIN_INDEXES if indexes else ""))
    began = time.perf_counter()
    conn.execute("BEGIN")
    ents, evs, parts = [], [], []
    now = "2026-01-01T00:00:00Z"
    for kind, rid, label, a, b, start in rows(count):
        if kind == "entity":
            ents.append(
                (
                    rid,
                    "Person",
                    None,
                    label,
                    json.dumps({"name": label, "birth_date": a}),
                    label,
                    "unconfirmed",
                    None,
                    None,
                    None,
                    now,
                    now,
                )
            )
        else:
            evs.append(
                (
                    rid,
                    "Call",
                    start,
                    None,
                    label,
                    '{"duration_s":"60"}',
                    "",
                    "unconfirmed",
                    None,
                    None,
                    None,
                    now,
                    now,
                )
            )
            parts += [
                (rid, f"person:{int(a):012d}", "caller"),
                (rid, f"person:{int(b):012d}", "callee"),
            ]
        if len(ents) + len(evs) >= 50_000:
            _plain_flush(conn, ents, evs, parts)
    _plain_flush(conn, ents, evs, parts)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - began
    conn.close()
    return {"seconds": elapsed, "rate": count / elapsed, "peak_mb": _peak_mb()}


def _plain_flush(conn: sqlite3.Connection, ents: list, evs: list, parts: list) -> None:  # type: ignore[type-arg]
    conn.executemany(
        "INSERT INTO entities (id, type, role, label, properties, search_text, status,"
        " source_grade, info_grade, handling, created_at, updated_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        ents,
    )
    conn.executemany(
        "INSERT INTO events (id, type, start_utc, end_utc, label, properties,"
        " search_text, status, source_grade, info_grade, handling, created_at,"
        " updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        evs,
    )
    conn.executemany("INSERT INTO event_entities VALUES (?,?,?)", parts)
    ents.clear(), evs.clear(), parts.clear()


def search_phase(path: Path, count: int) -> dict[str, float]:
    from analyst_app.store import Case
    from analyst_app.store.queries import search

    case = Case.open(path, "bench passphrase")
    rng = random.Random(3)
    prefixes = [rng.choice(FIRST + LAST)[: rng.randint(2, 5)] for _ in range(200)]
    timings, hits = [], 0
    for prefix in prefixes:
        began = time.perf_counter()
        hits += len(search(case, prefix, limit=50))
        timings.append((time.perf_counter() - began) * 1000)
    case.close()
    timings.sort()
    return {
        "median_ms": statistics.median(timings),
        "p95_ms": timings[int(len(timings) * 0.95)],
        "queries": len(timings),
        "mean_hits": hits / len(timings),
    }


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def validated_phase(path: Path, count: int) -> dict[str, float]:
    return store_phase(path, count, checked=False)


def indexed_phase(path: Path, count: int) -> dict[str, float]:
    """The plain floor with the store's secondary indexes, to show what they cost."""
    return plain_phase(path, count, indexes=True)


PHASES = {
    "indexed": indexed_phase,
    "store": store_phase,
    "validated": validated_phase,
    "plain": plain_phase,
    "search": search_phase,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--phase", choices=PHASES)
    parser.add_argument("--path")
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(PHASES[args.phase](Path(args.path), args.rows)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        results = {}
        for phase, name in (
            ("plain", "plain.sqlite"),
            ("indexed", "indexed.sqlite"),
            ("store", "bench.case"),
            ("search", "bench.case"),
            ("validated", "validated.case"),
        ):
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--phase",
                    phase,
                    "--rows",
                    str(args.rows),
                    "--path",
                    str(Path(tmp) / name),
                ],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            results[phase] = json.loads(out)
    plain, store, found = results["plain"], results["store"], results["search"]
    indexed = results["indexed"]
    checked = results["validated"]
    print(f"rows: {args.rows:,} (60% Person entities, 40% Call events with 2 participants)")
    print(
        f"plain sqlite3.executemany, unencrypted: {plain['rate']:>10,.0f} rows/s "
        f"({plain['seconds']:.1f} s, peak {plain['peak_mb']:.0f} MB)"
    )
    print(
        f"  the same with the store's 4 secondary indexes: {indexed['rate']:>10,.0f} rows/s "
        f"({indexed['seconds']:.1f} s)"
    )
    print(
        f"store API, SQLCipher + FTS + audit:     {store['rate']:>10,.0f} rows/s "
        f"({store['seconds']:.1f} s, peak {store['peak_mb']:.0f} MB)"
    )
    print(
        f"store / plain: {store['rate'] / plain['rate']:.2f} (target >= 0.50); "
        f"store / plain with the same indexes: {store['rate'] / indexed['rate']:.2f}"
    )
    print(
        f"store API with per-row schema checks:   {checked['rate']:>10,.0f} rows/s "
        f"({checked['seconds']:.1f} s, peak {checked['peak_mb']:.0f} MB; "
        f"{checked['rate'] / plain['rate']:.2f} of plain)"
    )
    print(
        f"FTS prefix search over {args.rows * 3 // 5:,} labels: median {found['median_ms']:.1f} ms,"
        f" p95 {found['p95_ms']:.1f} ms over {found['queries']} queries (target median < 20 ms)"
    )
    print(f"peak memory of the store insert: {store['peak_mb']:.0f} MB (target < 500 MB)")


if __name__ == "__main__":
    main()
