"""Tips (CSV and JSON), community app reports and worker-voice messages into a real case.

All names, numbers and places are invented for the tests.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from analyst_app.ingest import ImportSummary, import_file
from analyst_app.ingest.formats import choose_importer
from analyst_app.store import Case, CaseError
from analyst_app.store.queries import stats
from importers import community, tips, worker_voice

TIP_COLUMNS = tips._COLUMNS.split(" ")
NARRATIVE_1 = (
    "Girls at the spa on Elm St say call five five five 01two3 or 555.0I0.2121; "
    "the boss drives a white van, plate KXT-4471, and posts as @spa_lola_x."
)


def tip(**values: str) -> dict[str, str]:
    return {column: values.get(column, "") for column in TIP_COLUMNS}


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def tips_csv(tmp_path: Path) -> Path:
    return write_csv(
        tmp_path / "hotline-tips.csv",
        [
            tip(tip_id="T-001", channel="hotline", classification="tip",
                received_at="2024-03-05T02:14:00-05:00", reporter_type="community member",
                contact="555-201-0199", consent_to_share="yes", language="en",
                narrative=NARRATIVE_1, location="41.8781,-87.6298", location_precision="exact",
                event_start="2024-03-01", event_end="2024-03-04",
                exploitation_type="sexual exploitation",
                indicators="deception;restriction of movement",
                persons="Jane Roe:victim;Rex Dolan:suspect;Pat Quill:witness",
                phones="555-201-0101", emails="boss@example.org", handles="@spa_lola_x",
                plates="KXT-4471", urgency="high", minor="no", grading="B2"),
            tip(tip_id="T-002", channel="text", classification="high_risk",
                received_at="2024-03-06 09:30", reporter_type="anonymous",
                contact="tipster@example.net", consent_to_share="no", language="es",
                narrative="Escriba a lola arroba ejemplo", translation="Write to lola at "
                "example dot com or call 555 201 0101", location="Motel 8, Route 9",
                persons="Rex Dolan:suspect", grading="C3", urgency="medium"),
            tip(tip_id="T-003", received_at="yesterday", narrative="call 555-201-0155"),
            tip(tip_id="T-004", received_at="2024-03-07T10:00:00Z", persons="Bob Vance:boss"),
            tip(received_at="2024-03-07T10:00:00Z", narrative="no id"),
            tip(tip_id="T-001", received_at="2024-03-08T10:00:00Z"),
        ],
    )  # fmt: skip


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return path


def tips_json(tmp_path: Path) -> Path:
    return write_json(tmp_path / "tips.json", {"tips": [
        {"tip_id": "J-1", "channel": "hotline", "classification": "crisis",
         "received_at": "2024-04-01T20:00:00+02:00", "consent_to_share": True,
         "contact": "Mara Finch", "narrative": "He uses @night_owl_77 and 555-201-0144",
         "persons": [{"name": "Ivo Brandt", "role": "suspect"},
                     {"name": "Lina Sorel", "role": "victim"}],
         "phones": ["555-201-0144"], "indicators": ["debt bondage"], "minor": True,
         "grading": "A1", "location": "12 Harbour Rd"},
        {"tip_id": "J-2", "received_at": "2024-04-02T08:00:00Z", "minor": "perhaps"},
        "not an object",
        {"tip_id": "J-3", "received_at": "2024-04-03T08:00:00Z",
         "location": {"lat": 51.5072, "lon": -0.1276, "text": "Quay 3"}},
    ]})  # fmt: skip


def community_json(tmp_path: Path) -> Path:
    return write_json(tmp_path / "stop-app-export.json", {"reports": [
        {"report_id": "R-10", "submitted_at": "2024-05-01T23:10:00Z", "anonymous": True,
         "contact": "555-201-0177",
         "narrative": "Van with licence plate TRK 9921 drops women nightly; "
                      "driver texts from 5 5 5 - 2 0 1 - 0 1 8 8",
         "observed_at": "2024-05-01T22:00:00Z",
         "location": {"lat": 40.7128, "lon": -74.006, "text": "Pier 4 lot"},
         "media": [{"name": "van.jpg", "sha256": "ab" * 32}]},
        {"report_id": "R-11", "submitted_at": "2024-05-02T10:00:00Z", "anonymous": False,
         "contact": "watcher@example.com", "narrative": "Same van again",
         "location": {"lat": 40.71, "lon": -74.0}},
        {"report_id": "R-12", "submitted_at": "2024-05-03T10:00:00Z",
         "location": {"lat": 123.0, "lon": 5.0, "text": "nowhere"}},
        {"report_id": "R-13", "narrative": "no time"},
    ]})  # fmt: skip


def worker_csv(tmp_path: Path) -> Path:
    header = "message_id,received_at,channel,msisdn,language,gender,age,migration_status,"
    columns = (header + "employer,answers,text").split(",")
    rows = [
        ["W-1", "2024-06-01T08:00:00Z", "sms", "+1 555 201 0301", "en", "female", "34",
         "migrant", "Sunny Acres Farm", "wages=1;hours=2;movement=1;documents=1;health=3",
         "They keep our passports. Recruiter calls from 555 201 0399"],
        ["W-2", "2024-06-01T09:00:00Z", "ussd", "+1 555 201 0302", "es", "male", "29",
         "migrant", "Sunny Acres Farm", "wages=2;grievance=5", ""],
        ["W-3", "2024-06-01T10:00:00Z", "ivr", "+1 555 201 0303", "en", "", "", "",
         "Blue Mill Textiles", "wages=1", "my own number is 555 201 0303"],
        ["W-4", "2024-06-01T11:00:00Z", "sms", "+1 555 201 0304", "", "", "", "",
         "Blue Mill Textiles", "wages=7;hours=2", ""],
        ["W-5", "June first", "sms", "+1 555 201 0305", "", "", "", "", "", "wages=1", ""],
    ]  # fmt: skip
    return write_csv(
        tmp_path / "ulula-messages.csv", [dict(zip(columns, r, strict=True)) for r in rows]
    )


def q(case: Case, sql: str, *args: Any) -> list[Any]:
    return [row[0] if len(row) == 1 else tuple(row) for row in case.conn.execute(sql, args)]


def event(case: Case, label: str) -> dict[str, Any]:
    row = case.conn.execute(
        "SELECT id, start_utc, properties, source_grade, info_grade FROM events WHERE label = ?",
        (label,),
    ).fetchone()
    assert row is not None, label
    eid, start, props, sg, ig = row
    roles = q(case, "SELECT role, entity_id FROM event_entities WHERE event_id = ?", eid)
    return {"id": eid, "start": start, "props": json.loads(props), "grades": (sg, ig),
            "roles": sorted(roles)}  # fmt: skip


def reasons(case: Case) -> list[str]:
    return q(case, "SELECT locator || ': ' || reason FROM quarantine ORDER BY locator")


def balanced(summary: ImportSummary) -> None:
    assert summary.rows == summary.imported_rows + summary.present_rows + summary.quarantined_rows


def reimport_adds_nothing(case: Case, path: Path) -> None:
    before = stats(case)
    again = import_file(case, path)
    balanced(again)
    assert again.added == {"entities": 0, "links": 0, "events": 0}
    assert again.imported_rows == 0
    assert stats(case) == before


def test_tips_csv(case: Case, tmp_path: Path) -> None:
    path = tips_csv(tmp_path)
    summary = import_file(case, path)
    assert summary.format == "tips"
    balanced(summary)
    counts = stats(case)
    assert counts["events"] == {"Tip": 2}
    assert counts["entities"]["Person"] == 4  # Jane, Rex, Pat; Rex again in T-002 (own key)
    assert counts["entities"]["Vehicle"] == 1 and counts["entities"]["Handle"] == 1
    assert counts["entities"]["Address"] == 2

    one = event(case, "Tip T-001")
    assert one["start"] == "2024-03-05T07:14:00Z"
    assert one["grades"] == ("B", "2")
    props = one["props"]
    assert props["channel"] == "hotline" and props["classification"] == "tip"
    assert props["consent_to_share"] == "true" and props["minor_involved"] == "false"
    assert props["narrative"] == NARRATIVE_1 and props["location_text"] == "41.8781,-87.6298"
    assert "Indicators: deception; restriction of movement" in props["description"]
    window = "Event window: 2024-03-01T00:00:00+00:00 to 2024-03-04T00:00:00+00:00"
    assert window in props["description"]
    roles = one["roles"]
    assert ("reporter", "phone:+15552010199") in roles  # consent given: the contact is kept
    for number in ("+15552010101", "+15550123", "+15550102121"):
        assert ("mentioned", f"phone:{number}") in roles
    assert ("mentioned", "email:boss@example.org") in roles
    assert ("mentioned", "plate:KXT4471") in roles
    assert [r for r, _ in roles].count("mentioned") == 7  # witness, 3 phones, email, handle, plate
    person_roles = q(case, "SELECT e.role, json_extract(e.properties, '$.name'), x.role FROM"
                     " entities e JOIN event_entities x ON x.entity_id = e.id WHERE x.event_id = ?"
                     " AND e.type = 'Person' ORDER BY 2", one["id"])  # fmt: skip
    assert person_roles == [
        ("victim", "Jane Roe", "victim"),
        ("witness", "Pat Quill", "mentioned"),
        ("suspect", "Rex Dolan", "subject"),
    ]
    assert q(case, "SELECT DISTINCT source_grade || info_grade FROM entities e JOIN"
             " event_entities x ON x.entity_id = e.id WHERE x.event_id = ? AND e.type = 'Person'",
             one["id"]) == ["B2"]  # fmt: skip
    place = q(case, "SELECT properties FROM entities WHERE type = 'Address' AND id IN"
              " (SELECT entity_id FROM event_entities WHERE event_id = ? AND role = 'location')",
              one["id"])  # fmt: skip
    assert json.loads(place[0])["coordinates"] == "41.8781,-87.6298"

    two = event(case, "Tip T-002")
    assert two["props"]["channel"] == "sms" and two["props"]["classification"] == "high risk"
    assert "Reporter contact not kept" in two["props"]["description"]
    assert not q(case, "SELECT id FROM entities WHERE id = 'email:tipster@example.net'")
    assert not any(role == "reporter" for role, _ in two["roles"])
    assert ("mentioned", "email:lola@example.com") in two["roles"]  # from the translation

    start = NARRATIVE_1.index("five five five")
    spelled = f"line 2 narrative[{start}:{start + 21}] 'five five five 01two3'"
    locators = q(case, "SELECT locator FROM provenance WHERE object_id = 'phone:+15550123'")
    assert sorted(locators) == ["line 2", spelled]
    plate = q(case, "SELECT locator FROM provenance WHERE object_id = 'plate:KXT4471'")
    assert any(loc.startswith("line 2 narrative[") and "'KXT-4471'" in loc for loc in plate)
    translated = q(case, "SELECT locator FROM provenance WHERE object_id = 'phone:+15552010101'")
    assert any(loc.startswith("line 3 translation[") for loc in translated)

    assert reasons(case) == [
        "line 4: received_at: not a date and time: 'yesterday'",
        "line 5: person 'Bob Vance' has role 'boss', not one of suspect, victim, witness,"
        " associate, unknown",
        "line 6: the tip has no tip_id",
        "line 7: tip T-001 is also at line 2",
    ]
    assert not q(case, "SELECT id FROM entities WHERE id = 'phone:+15552010155'")
    reimport_adds_nothing(case, path)


def test_tips_json(case: Case, tmp_path: Path) -> None:
    path = tips_json(tmp_path)
    assert choose_importer(path).name == "tips"
    summary = import_file(case, path)
    balanced(summary)
    j1 = event(case, "Tip J-1")
    assert j1["start"] == "2024-04-01T18:00:00Z" and j1["grades"] == ("A", "1")
    assert j1["props"]["minor_involved"] == "true" and j1["props"]["classification"] == "crisis"
    assert "Indicators: debt bondage" in j1["props"]["description"]
    kinds = q(case, "SELECT x.role, e.type FROM event_entities x JOIN entities e"
              " ON e.id = x.entity_id WHERE x.event_id = ? ORDER BY 1, 2", j1["id"])  # fmt: skip
    assert kinds == [
        ("location", "Address"),
        ("mentioned", "Handle"),
        ("mentioned", "Phone"),
        ("reporter", "Person"),
        ("subject", "Person"),
        ("victim", "Person"),
    ]
    assert ("mentioned", "handle:night_owl_77") in j1["roles"]
    j3 = event(case, "Tip J-3")
    assert j3["props"]["location_text"] == "Quay 3"
    pin = q(case, "SELECT properties FROM entities WHERE id = ?", j3["roles"][0][1])
    assert json.loads(pin[0]) == {"full": "Quay 3", "coordinates": "51.5072,-0.1276"}
    assert reasons(case) == [
        "tips[1]: minor_involved: not yes/no: 'perhaps'",
        "tips[2]: a tip must be a JSON object",
    ]
    reimport_adds_nothing(case, path)


def test_community_reports(case: Case, tmp_path: Path) -> None:
    path = community_json(tmp_path)
    summary = import_file(case, path)
    assert summary.format == "community"
    balanced(summary)
    r10 = event(case, "Community report R-10")
    assert r10["start"] == "2024-05-01T23:10:00Z" and r10["props"]["channel"] == "app"
    assert "Observed at: 2024-05-01T22:00:00Z" in r10["props"]["description"]
    assert f"Media: van.jpg (sha256 {'ab' * 32})" in r10["props"]["description"]
    assert "Reporter contact not kept" in r10["props"]["description"]
    assert not any(role == "reporter" for role, _ in r10["roles"])  # anonymous: no reporter
    assert not q(case, "SELECT id FROM entities WHERE id = 'phone:+15552010177'")
    assert ("mentioned", "phone:+15552010188") in r10["roles"]
    assert ("mentioned", "plate:TRK9921") in r10["roles"]
    place = q(case, "SELECT properties FROM entities WHERE id IN (SELECT entity_id FROM"
              " event_entities WHERE event_id = ? AND role = 'location')", r10["id"])  # fmt: skip
    assert json.loads(place[0]) == {"full": "Pier 4 lot", "coordinates": "40.7128,-74.006"}
    spaced = q(case, "SELECT locator FROM provenance WHERE object_id = 'phone:+15552010188'")
    assert any(loc.endswith("'5 5 5 - 2 0 1 - 0 1 8 8'") for loc in spaced)

    r11 = event(case, "Community report R-11")
    assert ("reporter", "email:watcher@example.com") in r11["roles"]
    assert reasons(case) == [
        "reports[2]: location 123.0,5.0 is not a latitude and longitude",
        "reports[3]: submitted_at is missing",
    ]
    reimport_adds_nothing(case, path)


def test_worker_voice(case: Case, tmp_path: Path) -> None:
    path = worker_csv(tmp_path)
    summary = import_file(case, path)
    assert summary.format == "worker-voice"
    balanced(summary)
    counts = stats(case)
    assert counts["events"] == {"Message": 3}
    assert counts["entities"]["Organization"] == 2  # one per employer, not per message
    w1 = event(case, "Worker voice W-1")
    assert w1["roles"] == [("sender", "phone:+15552010301")]
    assert w1["props"]["channel"] == "sms"
    assert w1["props"]["body"].startswith("They keep our passports")
    description = w1["props"]["description"]
    for line in ("wages: strongly disagree", "hours: disagree", "health: neither agree nor"
                 " disagree", "Gender: female", "Age: 34", "Migration status: migrant"):  # fmt: skip
        assert line in description
    assert event(case, "Worker voice W-3")["props"]["channel"] == "other"
    links = q(case, "SELECT source_id, target_id FROM links WHERE type = 'mentioned_in'")
    assert ("phone:+15552010399", "phone:+15552010301") in links
    farm = q(case, "SELECT id FROM entities WHERE label = 'Sunny Acres Farm'")
    assert len(farm) == 1
    assert {t for s, t in links if s == farm[0]} == {"phone:+15552010301", "phone:+15552010302"}
    assert not [1 for s, t in links if s == t]  # quoting one's own number links nothing
    recruiter = q(case, "SELECT locator FROM provenance WHERE object_id = 'phone:+15552010399'")
    assert any(loc.startswith("line 2 text[") for loc in recruiter)
    assert reasons(case) == [
        "line 5: answer wages='7' is not on the 1-5 scale",
        "line 6: received_at: not a date and time: 'June first'",
    ]
    reimport_adds_nothing(case, path)


def test_tips_csv_as_spreadsheets_save_it(case: Case, tmp_path: Path) -> None:
    """Semicolons, a BOM and cp1252 (Excel's habits) read the same; naive times take the zone."""
    case.update_settings(time_zone="America/Chicago")
    header = ";".join(TIP_COLUMNS)
    values = tip(tip_id="X-9", received_at="05/03/2024 14:00", narrative="Café owner: 555-201-0111",
                 persons="José Núñez:associate")  # fmt: skip
    body = ";".join(values[c] for c in TIP_COLUMNS)
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + f"{header}\r\n{body}\r\n".encode())
    assert choose_importer(path).name == "tips"
    latin = tmp_path / "latin.csv"
    latin.write_bytes(f"{header}\r\n{body}\r\n".encode("cp1252"))
    assert choose_importer(latin).name == "tips"
    for source in (path, latin):
        balanced(import_file(case, source))
    x9 = q(case, "SELECT start_utc, json_extract(properties, '$.narrative') FROM events")
    assert x9[0] == ("2024-03-05T20:00:00Z", "Café owner: 555-201-0111")  # 14:00 CST
    assert len(x9) == 2 and len(set(x9)) == 1  # one tip per file, read alike from both
    names = q(case, "SELECT DISTINCT json_extract(properties, '$.name') FROM entities"
              " WHERE type = 'Person'")  # fmt: skip
    assert names == ["José Núñez"]
    assert reasons(case) == []


def test_sniffing_picks_each_format_and_leaves_others_alone(tmp_path: Path) -> None:
    made = {
        "tips": [tips_csv(tmp_path), tips_json(tmp_path)],
        "community": [community_json(tmp_path)],
        "worker-voice": [worker_csv(tmp_path)],
    }
    for name, paths in made.items():
        for path in paths:
            assert choose_importer(path).name == name, path
    heads = {
        "bank": b"transaction_id,account_number,account_holder,holder_phone,posted_at,amount,"
        b"currency,direction,channel,counterparty_name,memo\nTX1,12345678,Ann,5552010101,"
        b"2024-01-01T00:00:00Z,10.00,USD,credit,cash,,\n",
        "cdr": b"record_id,call_type,a_party,b_party,start_utc,duration_s,imei,imsi,cell_id\n"
        b"1,MO,5552010101,5552010102,2024-01-01T00:00:00Z,60,,,\n",
        "ads": b'{"ad_id": "A1", "site": "x", "phones": ["5552010101"], "posted_at": "2024"}\n',
        "other json": b'{"reports": [{"id": 1}], "tips": 3}',
    }
    for head in heads.values():
        other = tmp_path / "other.dat"
        other.write_bytes(head)
        for module in (tips, community, worker_voice):
            assert module.sniff(other, head) == 0.0, (module.name, head)


@pytest.mark.parametrize("module_name", ["tips", "community"])
def test_malformed_json_leaves_the_case_unchanged(
    case: Case, tmp_path: Path, module_name: str
) -> None:
    path = tmp_path / "broken.json"
    key = "tip_id" if module_name == "tips" else "report_id"
    wrapper = "tips" if module_name == "tips" else "reports"
    path.write_text(f'{{"{wrapper}": [{{"{key}": "X-1", "received_at": "2024-01-01T00:00:00Z"',
                    encoding="utf-8")  # fmt: skip
    assert choose_importer(path).name == module_name
    before = stats(case)
    with pytest.raises(CaseError, match="not valid JSON"):
        import_file(case, path)
    assert stats(case) == before


def test_forced_format_on_the_wrong_table_is_unreadable(case: Case, tmp_path: Path) -> None:
    path = worker_csv(tmp_path)
    with pytest.raises(CaseError, match="no tip_id column"):
        import_file(case, path, format_name="tips")
    with pytest.raises(CaseError, match="no message_id column"):
        import_file(case, tips_csv(tmp_path), format_name="worker-voice")
    with pytest.raises(CaseError, match='no "reports" list'):
        import_file(case, tips_json(tmp_path), format_name="community")
    assert stats(case)["sources"] == 0
