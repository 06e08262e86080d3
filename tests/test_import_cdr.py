"""Call detail records: the normalized layout with no options, shipped carrier layouts, specs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyst_app.ingest import import_file
from analyst_app.ingest.formats import choose_importer
from analyst_app.store import Case
from analyst_app.store.queries import search, stats
from tests.conftest import SAMPLES

NORMALIZED = """record_id,call_type,a_party,b_party,start_utc,duration_s,imei,imsi,cell_id
r1,MO,+15550100001,+15550100002,2024-03-01T02:10:00Z,65,356938035643809,310150123456789,310-150-1234-5678
r2,MT,(555) 010-0001,+15550100003,2024-03-01T03:10:00Z,01:05,356938035643809,310150123456789,310-150-1234-5678
r3,SMS-MO,+15550100001,+15550100002,2024-03-01T04:10:00Z,0,,,
r4,XX,+15550100001,+15550100002,2024-03-01T04:10:00Z,0,,,
r5,MO,+15550100001,+15550100002,yesterday,10,,,
"""


def _events(case: Case) -> list[tuple[str, str, str]]:
    rows = case.conn.execute(
        "SELECT e.type, ee.role, ee.entity_id FROM events e"
        " JOIN event_entities ee ON ee.event_id = e.id ORDER BY e.start_utc, ee.role"
    )
    return [tuple(r) for r in rows]


def test_normalized_layout_needs_no_options(case: Case, tmp_path: Path) -> None:
    file = tmp_path / "calls.csv"
    file.write_text(NORMALIZED)
    assert choose_importer(file).name == "cdr"
    summary = import_file(case, file)
    assert (summary.rows, summary.imported_rows, summary.quarantined_rows) == (5, 3, 2)
    assert stats(case)["events"] == {"Call": 2, "Message": 1}
    assert stats(case)["entities"] == {"CellSite": 1, "Device": 1, "Phone": 3}
    links = _events(case)
    # MT: the B party called the A party.
    assert ("Call", "caller", "phone:+15550100003") in links
    assert ("Call", "callee", "phone:+15550100001") in links
    assert ("Message", "sender", "phone:+15550100001") in links
    assert ("Call", "cell", "cell:310-150-1234-5678") in links
    durations = [
        json.loads(p)["duration_s"]
        for (p,) in case.conn.execute("SELECT properties FROM events WHERE type = 'Call'")
    ]
    assert sorted(durations) == ["65", "65"]  # "01:05" read as 65 seconds
    reasons = [r for (r,) in case.conn.execute("SELECT reason FROM quarantine ORDER BY locator")]
    assert reasons == [
        "no event type for this row (call_type: 'XX')",
        "start_utc: not a date and time: 'yesterday'",
    ]
    raw = case.conn.execute("SELECT raw FROM quarantine WHERE locator = 'line 5'").fetchone()[0]
    assert raw.startswith("r4,XX")


def test_second_import_adds_nothing(case: Case, tmp_path: Path) -> None:
    file = tmp_path / "calls.csv"
    file.write_text(NORMALIZED)
    import_file(case, file)
    before = stats(case)
    again = import_file(case, file)
    assert again.added == {"entities": 0, "links": 0, "events": 0}
    assert (again.imported_rows, again.present_rows, again.quarantined_rows) == (0, 3, 2)
    assert stats(case) == before


def test_provenance_for_every_record(case: Case, tmp_path: Path) -> None:
    file = tmp_path / "calls.csv"
    file.write_text(NORMALIZED)
    import_file(case, file)
    unsourced = case.conn.execute(
        "SELECT count(*) FROM (SELECT id FROM entities UNION ALL SELECT id FROM events) o"
        " WHERE o.id NOT IN (SELECT object_id FROM provenance)"
    ).fetchone()[0]
    assert unsourced == 0
    locator = case.conn.execute(
        "SELECT p.locator FROM provenance p JOIN events e ON e.id = p.object_id"
        " WHERE json_extract(e.properties, '$.direction') = 'incoming'"
    ).fetchone()[0]
    assert locator == "line 3"


@pytest.mark.samples
def test_spatialdatacommons_sample_layout(case: Case) -> None:
    sample = SAMPLES / "cdr" / "spatialdatacommons_cdr_sample.csv"
    if not sample.exists():
        pytest.skip("../shared/samples is not beside this checkout")
    summary = import_file(case, sample)
    lines = [line for line in sample.read_text(encoding="utf-8-sig").splitlines()[1:] if line]
    assert summary.rows == len(lines) and summary.quarantined_rows == 0
    counts = stats(case)
    voice = sum(1 for line in lines if line.endswith(",VOICE"))
    data = sum(1 for line in lines if line.endswith(",DATA"))
    assert counts["events"].get("Call", 0) == voice
    assert counts["events"].get("DataSession", 0) == data
    subscribers = {line.split(",")[0] for line in lines}
    assert counts["entities"]["Subscriber"] == len(subscribers)
    coords = case.conn.execute(
        "SELECT json_extract(properties, '$.coordinates') FROM entities WHERE id = 'cell:10011'"
    ).fetchone()[0]
    assert coords == "13.44845,-16.57612"


def test_carrier_layout_with_local_time_and_semicolons(case: Case, tmp_path: Path) -> None:
    file = tmp_path / "carrier.txt"
    file.write_text(
        "CDR_ID;MSISDN_A;MSISDN_B;EVENT_TYPE;START_TIME;DURATION;IMEI;IMSI;MCC;MNC;LAC;CI\n"
        "9001;4915100000001;4915100000002;VOC_IN;31.03.2024 01:30:00;02:10;;;262;01;4711;99\n"
        "9002;4915100000001;;SMS_OUT;31.03.2024 03:30:00;;;;;;;\n",
        encoding="cp1252",
    )
    summary = import_file(case, file)
    assert summary.imported_rows == 2, summary.reasons
    starts = [s for (s,) in case.conn.execute("SELECT start_utc FROM events ORDER BY start_utc")]
    # Berlin switched to summer time at 02:00 that night: +01:00 before, +02:00 after.
    assert starts == ["2024-03-31T00:30:00Z", "2024-03-31T01:30:00Z"]
    assert ("Call", "caller", "phone:+4915100000002") in _events(case)
    assert "cell:262-01-4711-99" in {e for _, _, e in _events(case)}


def test_spec_from_a_file_is_saved_and_reused(case: Case, tmp_path: Path) -> None:
    from analyst_app.cli.import_command import load_spec

    spec_file = tmp_path / "acme.yaml"
    spec_file.write_text(
        "match: [caller, called, when]\n"
        "entities:\n"
        "  a: {type: Phone, properties: {number: '{caller}'}, required: true}\n"
        "  b: {type: Phone, properties: {number: '{called}'}}\n"
        "event: {type: Call, start: '{when}', participants: {caller: a, callee: b}}\n"
    )
    file = tmp_path / "acme.csv"
    file.write_text("caller\tcalled\twhen\n5550100001\t5550100009\t2024-05-01 10:00\n")
    spec, name = load_spec(case, str(spec_file))
    summary = import_file(case, file, format_name="csv", spec=spec, spec_name=name)
    assert summary.imported_rows == 1
    saved, saved_name = load_spec(case, "acme")
    assert saved == spec and saved_name == "acme"


def test_header_case_and_bom_do_not_matter(case: Case, tmp_path: Path) -> None:
    file = tmp_path / "CALLS.CSV"
    file.write_text(
        NORMALIZED.replace("record_id,call_type,a_party", "RECORD_ID,Call_Type,A_PARTY"),
        encoding="utf-8-sig",
    )
    assert choose_importer(file).name == "cdr"
    assert import_file(case, file).imported_rows == 3


def test_a_spec_role_the_event_type_lacks_is_quarantined(case: Case, tmp_path: Path) -> None:
    spec = {
        "entities": {"a": {"type": "Phone", "properties": {"number": "{caller}"}}},
        "event": {"type": "Call", "start": "{when}", "participants": {"driver": "a"}},
    }
    file = tmp_path / "odd.csv"
    file.write_text("caller,when\n5550100001,2024-05-01T10:00:00Z\n")
    summary = import_file(case, file, format_name="csv", spec=spec)
    assert summary.quarantined_rows == 1
    assert "has no role 'driver'" in summary.reasons[0]


def test_a_later_file_enriches_a_phone_without_overwriting(case: Case, tmp_path: Path) -> None:
    """Subscriber details arriving after the calls land on the same Phone entity."""
    calls = tmp_path / "calls.csv"
    calls.write_text(NORMALIZED)
    import_file(case, calls)
    first = tmp_path / "subscribers.csv"
    first.write_text("msisdn,carrier\n+15550100001,Lantern Mobile\n")
    spec = {
        "entities": {
            "p": {"type": "Phone", "properties": {"number": "{msisdn}", "carrier": "{carrier}"}}
        }
    }
    summary = import_file(case, first, format_name="csv", spec=spec)
    assert summary.enriched_entities == 1 and summary.added["entities"] == 0
    second = tmp_path / "subscribers-later.csv"
    second.write_text("msisdn,carrier\n+15550100001,Other Carrier\n")
    assert import_file(case, second, format_name="csv", spec=spec).enriched_entities == 0
    props = case.conn.execute(
        "SELECT properties FROM entities WHERE id = 'phone:+15550100001'"
    ).fetchone()[0]
    assert json.loads(props)["carrier"] == "Lantern Mobile"
    assert [hit.id for hit in search(case, "Lantern")] == ["phone:+15550100001"]
    provenance = case.conn.execute(
        "SELECT count(DISTINCT source_id) FROM provenance WHERE object_id = 'phone:+15550100001'"
    ).fetchone()[0]
    assert provenance == 3


def test_an_unreadable_party_leaves_the_call_and_a_quarantined_note(
    case: Case, tmp_path: Path
) -> None:
    """A call to a short code is still the caller's call: keep it, say what was left out."""
    file = tmp_path / "calls.csv"
    file.write_text(
        NORMALIZED.splitlines()[0] + "\n"
        "r1,MO,+15550100001,611,2024-03-01T02:10:00Z,65,,,\n"
        "r2,MO,+15550100001,+15550100002,2024-03-01T03:10:00Z,65,,,\n"
    )
    summary = import_file(case, file)
    assert (summary.imported_rows, summary.partial_rows, summary.quarantined_rows) == (2, 1, 0)
    assert ("Call", "caller", "phone:+15550100001") in _events(case)
    assert stats(case)["entities"] == {"Phone": 2}
    notes = case.conn.execute("SELECT locator, reason, raw FROM quarantine").fetchall()
    assert len(notes) == 1 and "611" in notes[0][2] and "kept without this Phone" in notes[0][1]
    again = import_file(case, file)
    assert again.added == {"entities": 0, "links": 0, "events": 0}
