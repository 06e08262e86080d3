"""Ingest reuses what rows have in common (checked properties, entity drafts) and skips
rows it already holds on a second import; none of that may change what a row becomes."""

from __future__ import annotations

from pathlib import Path

from analyst_app.ingest import import_file
from analyst_app.store import Case

HEADER = "record_id,call_type,a_party,b_party,start_utc,duration_s,imei,imsi,cell_id\n"
# Rows 2-5 share every property (MO, 60 s); only their times and parties differ.
ROWS = [
    "r1,MO,+15550100001,+15550100002,2024-03-01T02:10:00Z,60,356938035643809,310150123456789,c1",
    "r2,MO,+15550100001,+15550100003,2024-03-01T02:20:00Z,60,356938035643809,310150123456789,c1",
    "r3,MO,+15550100001,+15550100002,not a time,60,356938035643809,310150123456789,c1",
    "r4,MO,+15550100004,+15550100002,2024-03-01T02:40:00Z,60,,,c2",
    "r5,MO,+15550100001,+15550100002,2024-03-01T02:50:00Z,sixty,,,",
    "r6,MO,+15550100001,+15550100002,2024-03-01T03:00:00Z,sixty,,,",
]


def _write(tmp_path: Path, rows: list[str]) -> Path:
    file = tmp_path / "calls.csv"
    file.write_text(HEADER + "\n".join(rows) + "\n")
    return file


def _calls(case: Case) -> list[tuple[str, str, str]]:
    rows = case.conn.execute(
        "SELECT e.start_utc, ee.role, ee.entity_id FROM events e"
        " JOIN event_entities ee ON ee.event_id = e.id ORDER BY e.start_utc, ee.role"
    )
    return [tuple(r) for r in rows]


def test_rows_sharing_properties_keep_their_own_times_and_parties(
    case: Case, tmp_path: Path
) -> None:
    summary = import_file(case, _write(tmp_path, ROWS))
    assert (summary.imported_rows, summary.quarantined_rows) == (3, 3)
    reasons = [r for (r,) in case.conn.execute("SELECT reason FROM quarantine ORDER BY locator")]
    # The bad time is refused even though the row's properties were already checked,
    # and a refused duration is refused again for the next row that has it.
    assert any("start" in r for r in reasons)
    assert sum("duration" in r or "sixty" in r for r in reasons) == 2
    calls = _calls(case)
    assert ("2024-03-01T02:20:00Z", "callee", "phone:+15550100003") in calls
    assert ("2024-03-01T02:40:00Z", "caller", "phone:+15550100004") in calls
    assert ("2024-03-01T02:40:00Z", "cell", "cell:C2") in calls
    durations = {p for (p,) in case.conn.execute("SELECT properties FROM events")}
    assert len(durations) == 1  # one shared, checked set of properties


def test_second_import_skips_known_rows_and_rereads_the_rest(case: Case, tmp_path: Path) -> None:
    file = _write(tmp_path, ROWS)
    first = import_file(case, file)
    before = case.conn.execute("SELECT count(*) FROM events").fetchone()[0]
    second = import_file(case, file)
    assert second.rows == first.rows == len(ROWS)
    assert second.present_rows == first.imported_rows
    assert sum(second.added.values()) == 0
    # Quarantined rows are read again (they are not in the case) and stay quarantined once.
    assert second.quarantined_rows == first.quarantined_rows
    assert case.conn.execute("SELECT count(*) FROM quarantine").fetchone()[0] == 3
    assert case.conn.execute("SELECT count(*) FROM events").fetchone()[0] == before
