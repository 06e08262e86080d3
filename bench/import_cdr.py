"""Import benchmark (issue 3): 1M normalized CDR rows into an encrypted case, against
`csv.reader` + plain `sqlite3.executemany` of the same rows into an unencrypted table.

Targets: at least one third of the floor's rate; peak memory under 1 GB; the second import
of the same file adds nothing and takes less time than the first. Each phase runs in its
own process so its peak RSS is its own. Run: `.venv/bin/python bench/import_cdr.py [--rows N]`.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = "record_id,call_type,a_party,b_party,start_utc,duration_s,imei,imsi,cell_id\n"
TYPES = ("MO", "MT", "SMS-MO", "SMS-MT")


def write_cdr(path: Path, rows: int) -> None:
    """Realistic repetition: 20,000 subscribers, 2,000 handsets, 500 cells."""
    with path.open("w") as out:
        out.write(HEADER)
        for i in range(rows):
            a, b = 1_000_000 + (i * 7919) % 20_000, 1_000_000 + (i * 104_729) % 20_000
            imei = 356938035000000 + (a % 2000)
            out.write(
                f"r{i},{TYPES[i % 4]},+1555{a:07d},+1555{b:07d},"
                f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:{i % 59:02d}Z,"
                f"{i % 900},{imei},310150{a:09d},310-150-{i % 50}-{i % 500}\n"
            )


def floor_phase(path: Path) -> dict[str, float]:
    db = sqlite3.connect(path.with_suffix(".plain.sqlite"), isolation_level=None)
    db.execute(
        "CREATE TABLE cdr (record_id TEXT, call_type TEXT, a_party TEXT, b_party TEXT,"
        " start_utc TEXT, duration_s TEXT, imei TEXT, imsi TEXT, cell_id TEXT)"
    )
    began = time.perf_counter()
    db.execute("BEGIN")
    with path.open(newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        db.executemany("INSERT INTO cdr VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", reader)
    db.execute("COMMIT")
    elapsed = time.perf_counter() - began
    rows = db.execute("SELECT count(*) FROM cdr").fetchone()[0]
    db.close()
    return {"seconds": elapsed, "rows": rows, "peak_mb": _peak_mb()}


def store_phase(path: Path) -> dict[str, float]:
    from analyst_app.ingest import import_file
    from analyst_app.store import Case

    case = Case.create(path.with_suffix(".case"), "bench passphrase")
    began = time.perf_counter()
    first = import_file(case, path)
    first_s = time.perf_counter() - began
    began = time.perf_counter()
    second = import_file(case, path)
    second_s = time.perf_counter() - began
    case.close()
    return {
        "seconds": first_s,
        "rows": first.rows,
        "imported": first.imported_rows,
        "quarantined": first.quarantined_rows,
        "second_seconds": second_s,
        "second_added": sum(second.added.values()),
        "peak_mb": _peak_mb(),
    }


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--phase", choices=("floor", "store"))
    parser.add_argument("--path")
    args = parser.parse_args()
    if args.phase:
        phase = floor_phase if args.phase == "floor" else store_phase
        print(json.dumps(phase(Path(args.path))))
        return
    with tempfile.TemporaryDirectory() as tmp:
        cdr = Path(tmp) / "calls.csv"
        write_cdr(cdr, args.rows)
        out = {}
        for phase in ("floor", "store"):
            result = subprocess.run(
                [sys.executable, __file__, "--phase", phase, "--path", str(cdr)],
                check=True,
                capture_output=True,
                text=True,
            )
            out[phase] = json.loads(result.stdout)
    floor, store = out["floor"], out["store"]
    floor_rate, store_rate = floor["rows"] / floor["seconds"], store["rows"] / store["seconds"]
    print(f"rows: {args.rows:,} normalized CDR rows")
    print(
        f"floor: csv.reader + sqlite3.executemany, unencrypted: {floor_rate:>9,.0f} rows/s "
        f"({floor['seconds']:.1f} s, peak {floor['peak_mb']:.0f} MB)"
    )
    print(
        f"threadline import into an encrypted case:            {store_rate:>9,.0f} rows/s "
        f"({store['seconds']:.1f} s, peak {store['peak_mb']:.0f} MB); "
        f"{store['imported']:,} imported, {store['quarantined']:,} quarantined"
    )
    print(f"ratio: {store_rate / floor_rate:.2f} of the floor (target >= 0.33)")
    print(
        f"second import of the same file: {store['second_seconds']:.1f} s, "
        f"added {store['second_added']} (target: adds nothing, faster than the first)"
    )
    print(f"peak memory: {store['peak_mb']:.0f} MB (target < 1024 MB)")


if __name__ == "__main__":
    main()
