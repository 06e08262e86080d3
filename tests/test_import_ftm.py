"""followthemoney import: JSON lines, arrays and deltas; edges as links, calls as events."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from analyst_app.ingest import import_file
from analyst_app.store import Case, CaseError

ENTITIES: list[dict[str, Any]] = [
    {
        "id": "p1",
        "schema": "Person",
        "properties": {
            "name": ["Ana Example"],
            "birthDate": ["1990-04-01"],
            "nationality": ["md"],
            "phone": ["+37369123456"],
            "email": ["Ana@Example.org"],
        },
    },
    {
        "id": "c1",
        "schema": "Company",
        "properties": {
            "name": ["Lotus Spa SRL"],
            "registrationNumber": ["RO-12345"],
            "jurisdiction": ["ro"],
        },
    },
    {"id": "p2", "schema": "Person", "properties": {"name": ["Boris Sample"]}},
    {
        "id": "d1",
        "schema": "Directorship",
        "properties": {
            "director": ["p2"],
            "organization": ["c1"],
            "startDate": ["2021-05-01"],
            "role": ["director"],
        },
    },
    {"id": "e1", "schema": "Employment", "properties": {"employer": ["c1"], "employee": ["p1"]}},
    {
        "id": "pay1",
        "schema": "Payment",
        "properties": {
            "payer": ["c1"],
            "beneficiary": ["p2"],
            "amount": ["9500"],
            "currency": ["EUR"],
            "date": ["2024-03-02T02:14:00Z"],
            "purpose": ["cash"],
        },
    },
    {
        "id": "call1",
        "schema": "Call",
        "properties": {
            "caller": ["p1"],
            "receiver": ["p2"],
            "callerNumber": ["+37369123456"],
            "date": ["2024-03-01T23:00:00Z"],
            "duration": ["65"],
        },
    },
    {
        "id": "m1",
        "schema": "Message",
        "properties": {
            "sender": ["p2"],
            "recipients": ["p1", "nobody"],
            "bodyText": ["be ready at 6"],
            "date": ["2024-03-01T23:05:00Z"],
        },
    },
    {
        "id": "doc1",
        "schema": "Document",
        "properties": {"title": ["Lease contract"], "fileName": ["lease.pdf"]},
    },
    {
        "id": "a1",
        "schema": "Address",
        "properties": {"full": ["12 Strada Lunga, Chisinau"], "city": ["Chisinau"]},
    },
    {
        "id": "u1",
        "schema": "UnknownLink",
        "properties": {"subject": ["p1"], "object": ["a1"], "role": ["stays at"]},
    },
]


def _one(case: Case, sql: str, *args: object) -> Any:
    return case.conn.execute(sql, args).fetchone()[0]


def _assert_imported(case: Case) -> None:
    types = dict(case.conn.execute("SELECT type, count(*) FROM entities GROUP BY 1").fetchall())
    assert types == {
        "Person": 2,
        "Organization": 1,
        "Phone": 1,
        "Email": 1,
        "Other": 1,
        "Address": 1,
    }
    links = dict(case.conn.execute("SELECT type, count(*) FROM links GROUP BY 1").fetchall())
    assert links == {"controls": 1, "employs": 1, "uses": 2, "linked": 1}
    events = dict(case.conn.execute("SELECT type, count(*) FROM events GROUP BY 1").fetchall())
    assert events == {"Transaction": 1, "Call": 1, "Message": 1}
    ana = case.conn.execute(
        "SELECT id, properties FROM entities WHERE label = 'Ana Example'"
    ).fetchone()
    props = json.loads(ana[1])
    assert props["birth_date"] == "1990-04-01" and props["nationality"] == "MD"
    owned = {
        row[0]
        for row in case.conn.execute(
            "SELECT target_id FROM links WHERE type = 'uses' AND source_id = ?", (ana[0],)
        )
    }
    assert owned == {"phone:+37369123456", "email:ana@example.org"}
    assert (
        _one(
            case,
            "SELECT json_extract(properties, '$.original_type') FROM entities WHERE type = 'Other'",
        )
        == "Document"
    )
    pay = case.conn.execute(
        "SELECT start_utc, json_extract(properties, '$.amount'), json_extract(properties, '$.currency') FROM events WHERE type = 'Transaction'"
    ).fetchone()
    assert pay == ("2024-03-02T02:14:00Z", "9500", "EUR")
    roles = sorted(
        case.conn.execute(
            "SELECT ee.role, e.type FROM event_entities ee JOIN entities e ON e.id = ee.entity_id"
            " JOIN events ev ON ev.id = ee.event_id WHERE ev.type = 'Call'"
        ).fetchall()
    )
    assert roles == [("callee", "Person"), ("caller", "Person"), ("caller", "Phone")]
    note = _one(
        case, "SELECT json_extract(properties, '$.description') FROM events WHERE type = 'Message'"
    )
    assert "recipients: nobody (not in this file)" in note


def test_json_lines_in_any_order_with_fragments(case: Case, tmp_path: Path) -> None:
    path = tmp_path / "entities.ftm.json"
    reordered = ENTITIES[3:] + ENTITIES[:3]  # edges before the entities they join
    lines = [json.dumps(e) for e in reordered]
    lines.append(json.dumps({"id": "p1", "schema": "Person", "properties": {"alias": ["Anya"]}}))
    lines.insert(2, "this line is not JSON")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = import_file(case, path)
    assert summary.format == "ftm"
    assert summary.quarantined_rows == 1 and summary.reasons == ["line 3: not a JSON object"]
    _assert_imported(case)
    ana = json.loads(_one(case, "SELECT properties FROM entities WHERE label = 'Ana Example'"))
    assert ana["alias"] == "Anya"  # the second fragment of p1 merged into it


def test_json_array_and_delta_files(case: Case, tmp_path: Path) -> None:
    array = tmp_path / "array.json"
    array.write_text(json.dumps(ENTITIES), encoding="utf-8")
    import_file(case, array)
    _assert_imported(case)

    delta = tmp_path / "delta.json"
    ops = [{"op": "ADD", "entity": e} for e in ENTITIES]
    ops.append(
        {
            "op": "ADD",
            "entity": {"id": "x9", "schema": "Person", "properties": {"name": ["Gone Soon"]}},
        }
    )
    ops.append({"op": "DEL", "entity": {"id": "x9", "schema": "Person"}})
    delta.write_text("\n".join(json.dumps(o) for o in ops), encoding="utf-8")
    summary = import_file(case, delta)
    assert summary.quarantined_rows == 1
    assert "deleted by the delta" in summary.reasons[0]
    assert _one(case, "SELECT count(*) FROM entities WHERE label = 'Gone Soon'") == 0


@pytest.mark.parametrize(
    ("body", "sentence"),
    [("[1, 2", "JSON is damaged"), ("[]", "holds no FtM entities")],
)
def test_unreadable_ftm_gets_one_sentence(
    case: Case, tmp_path: Path, body: str, sentence: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(CaseError) as info:
        import_file(case, path, format_name="ftm")
    assert sentence in str(info.value)
    assert _one(case, "SELECT count(*) FROM sources") == 0
