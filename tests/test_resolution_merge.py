"""Merge and unmerge on real encrypted cases: nothing lost, and undone exactly.

"Exactly" is checked by dumping every content table in full (rowids included) before the
merge and after the unmerge, and by asking the full-text index the same questions.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from analyst_app.model import Entity, Event, Link
from analyst_app.resolution import MergeError, candidates, merge, merges, unmerge
from analyst_app.store import Case
from analyst_app.store.editing import add_one, update_entity
from analyst_app.store.edits_more import add_note
from analyst_app.store.queries import get_entity, provenance, search
from tests.test_resolution import build_maria_case

TABLES = (
    "entities",
    "links",
    "events",
    "event_entities",
    "provenance",
    "tags",
    "notes",
    "sources",
    "quarantine",
    "resolution_decisions",
)


def dump(case: Case) -> dict[str, Any]:
    """Every row of every content table, in a fixed order, plus what the index answers."""
    out: dict[str, Any] = {}
    for table in TABLES:
        columns = [r[1] for r in case.conn.execute(f"PRAGMA table_info({table})")]
        if table in ("entities", "links", "events"):
            columns = [c for c in columns if c != "rowid"]
            columns.insert(0, "rowid")
        order = ", ".join(columns)
        out[table] = case.conn.execute(f"SELECT {order} FROM {table} ORDER BY {order}").fetchall()
    words: set[str] = set()
    for label, text in case.conn.execute("SELECT label, search_text FROM entities"):
        words.update(w.casefold() for w in re.findall(r"\w{2,}", f"{label} {text}"))
    out["fts"] = {
        w: case.conn.execute(
            "SELECT rowid FROM entities_fts WHERE entities_fts MATCH ? ORDER BY rowid",
            (f'"{w}"',),
        ).fetchall()
        for w in sorted(words)
    }
    # The external-content index agrees with its table row for row.
    case.conn.execute("INSERT INTO entities_fts(entities_fts, rank) VALUES ('integrity-check', 1)")
    return out


def _tag(case: Case, object_id: str, tag: str, state: str = "accepted") -> None:
    with case.write("tag", {"object_id": object_id, "tag": tag}) as conn:
        conn.execute(
            "INSERT INTO tags (object_id, vocabulary, tag, state, created_at, created_by)"
            " VALUES (?, 'indicators', ?, ?, '2024-03-01T10:00:00Z', 'analyst.test')",
            (object_id, tag, state),
        )


def _links_of(case: Case, entity_id: str) -> list[tuple[str, str, str, str]]:
    return case.conn.execute(
        "SELECT id, type, source_id, target_id FROM links WHERE ? IN (source_id, target_id)"
        " ORDER BY id",
        (entity_id,),
    ).fetchall()


@pytest.fixture
def rich(case: Case, tmp_path: Path) -> dict[str, str]:
    """The Maria case with something on both sides of every kind, and every collision."""
    ids = build_maria_case(case, tmp_path)
    kept, gone, victor = ids["MARIA LOPEZ"], ids["Mari"], ids["Victor Placeholder"]
    update_entity(case, kept, properties={"name": "MARIA LOPEZ", "birth_date": "1990-04-02"})
    update_entity(
        case,
        gone,
        role="victim",
        properties={"name": "Mari", "birth_date": "1990-02-04", "nationality": "MX"},
    )
    # A link between the two: a loop once they are one.
    loop = add_one(case, Link(type="family", source_id=kept, target_id=gone, label="sister of"))
    add_note(case, loop, "The contact card says 'hermana'.")
    # The same association recorded for each: one link once they are one.
    for person in (kept, gone):
        add_one(
            case, Link(type="associate", source_id=person, target_id=victor, label="associate of")
        )
    # A meeting both attended in the same role: one participation row once they are one.
    ids["meeting"] = add_one(
        case,
        Event(
            type="Meeting",
            label="Seen together at the salon",
            start="2024-03-02T02:14:00Z",
            participants=[("participant", kept), ("participant", gone), ("participant", victor)],
        ),
    )
    # Both read from the same line of one file: one provenance row once they are one.
    source_id, locator = case.conn.execute(
        "SELECT source_id, locator FROM provenance WHERE object_id = ? LIMIT 1", (kept,)
    ).fetchone()
    with case.write("test provenance", {}) as conn:
        conn.execute(
            "INSERT INTO provenance (object_id, source_id, locator) VALUES (?, ?, ?)",
            (gone, source_id, locator),
        )
    _tag(case, kept, "debt bondage")
    _tag(case, gone, "debt bondage", state="suggested")  # collides with the kept tag
    _tag(case, gone, "restricted movement")
    add_note(case, kept, "Account opened with a passport the boss holds.")
    add_note(case, gone, "Saved as 'Mari' in the recruiter's phone.")
    ids["loop"] = loop
    return ids


def test_merge_then_unmerge_restores_the_case_exactly(case: Case, rich: dict[str, str]) -> None:
    kept, gone = rich["MARIA LOPEZ"], rich["Mari"]
    before = dump(case)
    kept_provenance = provenance(case, kept)
    gone_provenance = provenance(case, gone)

    merge_id = merge(case, kept, gone)

    # The merged entity is gone; the kept one holds both records' facts and provenance.
    assert get_entity(case, gone) is None
    entity = get_entity(case, kept)
    assert entity is not None
    assert entity.label == "MARIA LOPEZ"
    assert entity.role == "victim"  # the kept one had none
    assert entity.properties["alias"] == "Mari"
    assert entity.properties["birth_date"] == ["1990-04-02", "1990-02-04"]  # kept value first
    assert entity.properties["nationality"] == "MX"
    files = {p["file"] for p in provenance(case, kept)}
    assert (
        files
        == {p["file"] for p in kept_provenance + gone_provenance}
        >= {"bank.csv", "report.xml"}
    )
    assert (
        case.conn.execute(
            "SELECT count(*) FROM provenance WHERE object_id = ?", (gone,)
        ).fetchone()[0]
        == 0
    )
    # The loop is set aside, the duplicate association folded, nothing points at the old id.
    links = _links_of(case, kept)
    assert rich["loop"] not in {link[0] for link in links}
    assert sum(1 for link in links if link[1] == "associate") == 1
    assert _links_of(case, gone) == []
    meeting = case.conn.execute(
        "SELECT entity_id FROM event_entities WHERE event_id = ? ORDER BY entity_id",
        (rich["meeting"],),
    ).fetchall()
    assert (kept,) in meeting and (gone,) not in meeting and len(meeting) == 2
    tags = case.conn.execute(
        "SELECT tag, state FROM tags WHERE object_id = ? ORDER BY tag", (kept,)
    ).fetchall()
    assert tags == [("debt bondage", "accepted"), ("restricted movement", "accepted")]
    notes = case.conn.execute("SELECT text FROM notes WHERE object_id = ?", (kept,)).fetchall()
    assert len(notes) == 2
    for table, column in (
        ("event_entities", "entity_id"),
        ("tags", "object_id"),
        ("notes", "object_id"),
    ):
        assert (
            case.conn.execute(
                f"SELECT count(*) FROM {table} WHERE {column} = ?", (gone,)
            ).fetchone()[0]
            == 0
        )
    # Search finds her by the merged record's name, and no longer finds the removed entity.
    hits = search(case, "Mari", kinds=("entity",))
    assert kept in {h.id for h in hits} and gone not in {h.id for h in hits}

    # Audited, with the merge's id; recorded for undo.
    action, details = case.conn.execute(
        "SELECT action, details FROM audit ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    assert action == "merge entities"
    recorded = json.loads(details)
    assert recorded["merge_id"] == merge_id
    assert recorded["kept"]["id"] == kept and recorded["merged"]["id"] == gone
    assert any(c.startswith("birth_date") for c in recorded["conflicts"])
    # The loop, the second association, and Mari's "uses" link to the phone MARIA LOPEZ
    # already uses: that one's provenance (the phone's contact card) joins the survivor.
    assert recorded["moved"]["links_set_aside"] == 3
    uses = [link for link in links if link[1] == "uses" and link[3] == "phone:+13125550199"]
    assert len(uses) == 1
    assert {p["file"] for p in provenance(case, uses[0][0])} == {"bank.csv", "report.xml"}
    history = merges(case)
    assert history[0]["id"] == merge_id and history[0]["undone_at"] is None
    assert history[0]["decided_by"] == "analyst.test"

    unmerge(case, merge_id)

    after = dump(case)
    for key in before:
        assert after[key] == before[key], key
    assert merges(case)[0]["undone_at"] is not None
    assert case.conn.execute("SELECT action FROM audit ORDER BY seq DESC LIMIT 1").fetchone()[
        0
    ] == ("unmerge entities")
    from analyst_app.store.audit import verify_chain  # the chain still holds after both

    assert verify_chain(case.conn).intact


def test_the_round_trip_survives_closing_and_reopening(
    case_path: Path, case: Case, rich: dict[str, str]
) -> None:
    from tests.conftest import PASSPHRASE

    before = dump(case)
    merge_id = merge(case, rich["MARIA LOPEZ"], rich["Mari"])
    case.close()
    with Case.open(case_path, PASSPHRASE) as reopened:
        unmerge(reopened, merge_id)
        assert dump(reopened) == before


def test_chained_merges_undo_in_reverse_order(case: Case, rich: dict[str, str]) -> None:
    kept, mari, tip = rich["MARIA LOPEZ"], rich["Mari"], rich["Maria G. Lopez"]
    start = dump(case)
    first = merge(case, kept, mari)
    middle = dump(case)
    second = merge(case, kept, tip)
    # Candidates no longer offer what is merged.
    assert all(
        tip not in (c.a_id, c.b_id) and mari not in (c.a_id, c.b_id) for c in candidates(case)
    )
    with pytest.raises(MergeError, match=f"followed by merge {second}"):
        unmerge(case, first)
    unmerge(case, second)
    assert dump(case) == middle
    with pytest.raises(MergeError, match="already undone"):
        unmerge(case, second)
    unmerge(case, first)
    assert dump(case) == start


def test_refusals_change_nothing(case: Case, rich: dict[str, str]) -> None:
    kept, gone = rich["MARIA LOPEZ"], rich["Mari"]
    before = dump(case)
    audit_before = case.conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    with pytest.raises(MergeError, match="itself"):
        merge(case, kept, kept)
    with pytest.raises(MergeError, match="no entity"):
        merge(case, kept, "person:nobody")
    phone = "phone:+13125550199"
    with pytest.raises(MergeError, match="only entities of one type"):
        merge(case, kept, phone)
    with pytest.raises(MergeError, match="no merge 99"):
        unmerge(case, 99)
    assert dump(case) == before
    assert case.conn.execute("SELECT count(*) FROM audit").fetchone()[0] == audit_before

    merge_id = merge(case, kept, gone)
    update_entity(case, kept, status="confirmed")
    merged_state = dump(case)
    with pytest.raises(MergeError, match="edited after the merge"):
        unmerge(case, merge_id)
    assert dump(case) == merged_state


def test_organization_merge_keeps_other_names(case: Case) -> None:
    a = add_one(
        case, Entity(type="Organization", label="Lucky Lotus Nails", properties={"mcc": "7230"})
    )
    b = add_one(
        case,
        Entity(
            type="Organization",
            label="LUCKY LOTUS NAIL SALON",
            properties={"mcc": "7231", "website": "https://lotus.example"},
        ),
    )
    before = dump(case)
    merge_id = merge(case, a, b)
    entity = get_entity(case, a)
    assert entity is not None
    # Organizations have no alias property: the other name joins the names.
    assert entity.properties["name"] == ["Lucky Lotus Nails", "LUCKY LOTUS NAIL SALON"]
    assert entity.properties["mcc"] == ["7230", "7231"]
    assert entity.properties["website"] == "https://lotus.example"
    unmerge(case, merge_id)
    assert dump(case) == before


def test_demo_case_merge_round_trip(demo_case_copy: Path) -> None:
    """Real imported records: the boss as the bank, a tip and the seized phone know him."""
    with Case.open(demo_case_copy, "demo") as case:
        people = case.conn.execute(
            "SELECT e.id, e.label, (SELECT count(*) FROM event_entities WHERE entity_id = e.id)"
            " FROM entities e WHERE e.label IN ('Dmitri Fakename', 'Dima') ORDER BY 3 DESC"
        ).fetchall()
        assert len(people) == 3
        kept = people[0][0]
        before = dump(case)
        events = people[0][2] + people[1][2] + people[2][2]
        done = [merge(case, kept, other) for other, _, _ in people[1:]]
        assert (
            case.conn.execute(
                "SELECT count(*) FROM event_entities WHERE entity_id = ?", (kept,)
            ).fetchone()[0]
            == events
        )
        assert {p["file"] for p in provenance(case, kept)} == {
            "bank_transactions.csv",
            "tips.csv",
            "report.xml",
        }
        for merge_id in reversed(done):
            unmerge(case, merge_id)
        assert dump(case) == before
