"""analyst_app.store.edits_more: notes (audited, restorable), sources, quarantine, counts."""

from __future__ import annotations

import pytest

from analyst_app.model import Entity
from analyst_app.store import Case, CaseError
from analyst_app.store import edits_more as em
from analyst_app.store.audit import entries, verify_chain
from analyst_app.store.editing import add_one


def test_notes_are_added_removed_and_put_back_under_their_id(case: Case) -> None:
    eid = add_one(case, Entity(type="Person", label="Ramona Quillfeather"))
    first = em.add_note(case, eid, "  Seen at the bus station.  ")
    second = em.add_note(case, eid, "Uses two phones.")
    assert [n.text for n in em.notes(case, eid)] == ["Seen at the bus station.", "Uses two phones."]
    assert em.notes(case, eid)[0].author == "analyst.test"
    removed = em.remove_note(case, first)
    assert removed.text == "Seen at the bus station." and [n.id for n in em.notes(case, eid)] == [
        second
    ]
    assert em.add_note(case, eid, removed.text, note_id=removed.id) == first
    assert {n.id for n in em.notes(case, eid)} == {first, second}
    actions = [e["action"] for e in entries(case.conn)]
    assert actions[:4] == ["add note", "remove note", "add note", "add note"]
    assert verify_chain(case.conn).intact


def test_bad_notes_change_nothing(case: Case) -> None:
    eid = add_one(case, Entity(type="Person", label="Tobias Wrenfield"))
    before = len(entries(case.conn))
    with pytest.raises(CaseError, match="needs some text"):
        em.add_note(case, eid, "   ")
    with pytest.raises(CaseError, match="no entity, link or event"):
        em.add_note(case, "person:nobody", "text")
    with pytest.raises(CaseError, match="no note 99"):
        em.remove_note(case, 99)
    assert len(entries(case.conn)) == before


def test_counts_labels_and_types(case: Case) -> None:
    a = add_one(case, Entity(type="Person", label="Ramona Quillfeather"))
    b = add_one(case, Entity(type="Person", label="Abel Quist"))
    phone = add_one(case, Entity(type="Phone", properties={"number": "+1 312 555 0142"}))
    assert em.entity_counts(case) == {"Person": 2, "Phone": 1}
    assert em.entities_of_type(case, "Person") == [b, a]  # by label
    assert em.labels(case, [a, phone, "nothing"]) == {
        a: ("Person", "Ramona Quillfeather"),
        phone: ("Phone", "+13125550142"),
    }
    assert em.sources(case) == [] and em.chart_view_names(case) == []


def test_sources_and_quarantined_rows(demo_case_file: object) -> None:
    from pathlib import Path

    assert isinstance(demo_case_file, Path)
    with Case.open(demo_case_file, "demo") as case:
        rows = em.sources(case)
        assert {r.file_name for r in rows} >= {"tips.csv", "cdr.csv"}
        assert all(len(r.sha256) == 64 for r in rows)
        for row in rows:
            kept = em.quarantined(case, row.id)
            assert len(kept) == min(row.quarantined, 1000)
            assert all(q.reason for q in kept)


TABLES = ("entities", "links", "event_entities", "provenance", "notes", "tags", "finding_entities")


def _dump(case: Case) -> dict[str, list[tuple[object, ...]]]:
    return {t: sorted(case.conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in TABLES}


def test_delete_and_restore_an_entity_puts_back_every_row(demo_case_copy: object) -> None:
    from pathlib import Path

    from analyst_app.store.queries import search

    assert isinstance(demo_case_copy, Path)
    with Case.open(demo_case_copy, "demo") as case:
        busiest = case.conn.execute(
            "SELECT e.id, e.label FROM entities e JOIN links l ON l.source_id = e.id"
            " JOIN event_entities ee ON ee.entity_id = e.id"
            " GROUP BY e.id ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
        eid, label = busiest
        em.add_note(case, eid, "Check this one.")
        before = _dump(case)
        assert any(h.id == eid for h in search(case, label, limit=200))
        snap = em.delete_entity(case, eid)
        assert snap["links"] and snap["event_entities"] and snap["provenance"]
        after = _dump(case)
        assert not case.conn.execute(
            "SELECT 1 FROM links WHERE source_id = ? OR target_id = ?", (eid, eid)
        ).fetchone()
        assert len(after["event_entities"]) == len(before["event_entities"]) - len(
            snap["event_entities"]
        )
        assert not any(h.id == eid for h in search(case, label, limit=200))
        assert em.restore_entity(case, snap) == eid
        assert _dump(case) == before
        assert any(h.id == eid for h in search(case, label, limit=200))
        actions = [e["action"] for e in entries(case.conn)]
        assert actions[:2] == ["restore entity", "delete entity"]
        assert verify_chain(case.conn).intact
        assert case.conn.execute(
            "INSERT INTO entities_fts(entities_fts) VALUES ('integrity-check')"
        )


def test_deleting_what_is_not_there_changes_nothing(case: Case) -> None:
    before = len(entries(case.conn))
    with pytest.raises(CaseError, match="no entity"):
        em.delete_entity(case, "person:nobody")
    assert len(entries(case.conn)) == before
