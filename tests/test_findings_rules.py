"""Rules on small cases written for the purpose (real files through the real importers):
a victim's account is never a finding's subject, co-location, common contacts of suspects,
and indicator tags suggested from tip narratives, accepted and rejected by the analyst."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from analyst_app.demo.build import DEMO_PASSPHRASE
from analyst_app.findings import (
    accept_tag,
    reject_tag,
    run_rules,
    store_findings,
    suggest_tags,
    tag_rules,
)
from analyst_app.ingest import import_file
from analyst_app.model import Entity
from analyst_app.store import Case, CaseError
from analyst_app.store.editing import add_one

BANK = ("transaction_id", "account_number", "account_holder", "holder_phone", "posted_at",
        "amount", "currency", "direction", "channel", "location", "depositor", "memo")  # fmt: skip
CDR = ("record_id", "call_type", "a_party", "b_party", "start_utc", "duration_s", "imei", "imsi",
       "cell_id")  # fmt: skip


def _write(path: Path, header: tuple[str, ...], rows: list[tuple[object, ...]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _person(case: Case, name: str, role: str) -> str:
    return add_one(case, Entity(type="Person", label=name, properties={"name": name}, role=role))


def test_cash_into_a_victims_account_names_the_depositor_not_the_victim(
    case: Case, tmp_path: Path
) -> None:
    rows = [
        (f"T{n}", "770000001234", "Ana Example", "", f"2024-03-{n + 1:02d}T15:00:00Z", "300.00",
         "USD", "credit", "cash", "Fictional Branch 1, Chicago, IL", "Max Controller", "")
        for n in range(7)
    ]  # fmt: skip
    import_file(case, _write(tmp_path / "bank.csv", BANK, rows), format_name="bank")
    before = run_rules(case, only=("F6",))
    assert len(before) == 1
    assert "person:" in before[0].subjects[0] and "account:770000001234" in before[0].subjects
    victim = _person(case, "Ana Example", "victim")  # a tip names her as a victim
    (finding,) = run_rules(case, only=("F6",))
    labels = dict(case.conn.execute("SELECT id, label FROM entities").fetchall())
    assert [labels[s] for s in finding.subjects] == ["Max Controller"]
    assert "account:770000001234" in finding.counterparts
    assert victim not in finding.entities  # the tip's record is not in the bank rows
    holder = next(e for e in finding.counterparts if e.startswith("person:"))
    assert labels[holder] == "Ana Example"


def test_only_a_victims_own_activity_is_reframed_not_hidden(case: Case, tmp_path: Path) -> None:
    rows = [
        (f"T{n}", "770000005678", "Bea Example", "", f"2024-03-{n + 1:02d}T15:00:00Z", "300.00",
         "USD", "credit", "cash", "Fictional Branch 1, Chicago, IL", "Bea Example", "")
        for n in range(6)
    ]  # fmt: skip
    import_file(case, _write(tmp_path / "bank.csv", BANK, rows), format_name="bank")
    _person(case, "Bea Example", "victim")
    (finding,) = run_rules(case, only=("F6",))
    assert finding.subjects == ()
    assert finding.title.startswith("On a potential victim's account")
    assert "not the subject" in finding.explanation


def test_co_location_needs_repeated_sightings_on_several_days(case: Case, tmp_path: Path) -> None:
    a, b, c, x = "+13125550111", "+13125550112", "+13125550113", "+13125550114"
    rows = []
    for day in range(1, 7):  # a and b on cell 7 within 10 minutes, six days running
        rows.append((f"R{day}a", "MO", a, c, f"2024-03-0{day}T22:00:00Z", "60", "", "", "cell-7"))
        rows.append((f"R{day}b", "MO", b, c, f"2024-03-0{day}T22:10:00Z", "60", "", "", "cell-7"))
    rows.append(("R9x", "MO", x, c, "2024-03-01T22:05:00Z", "60", "", "", "cell-7"))  # once only
    import_file(case, _write(tmp_path / "cdr.csv", CDR, rows), format_name="cdr")
    (finding,) = run_rules(case, only=("CO-LOCATION",))
    assert {f"phone:{a}", f"phone:{b}"} <= set(finding.entities)
    assert f"phone:{x}" not in finding.entities
    assert "6 times on 6 different days" in finding.explanation
    assert len(finding.evidence) == 12 and all(e.file == "cdr.csv" for e in finding.evidence)
    case.update_settings(findings_thresholds="CO-LOCATION: {min_days: 7}")
    assert run_rules(case, only=("CO-LOCATION",)) == []


def test_co_location_reads_the_cell_as_the_subscribers_on_incoming_calls(
    case: Case, tmp_path: Path
) -> None:
    # b's records are incoming calls (MT): b is the callee and the cell is b's, so b is
    # seen with a; the callers c and d never are (each calls once a day, on other cells).
    a, b, c, d = "+13125550131", "+13125550132", "+13125550133", "+13125550134"
    rows = []
    for day in range(1, 7):
        rows.append((f"R{day}a", "MO", a, c, f"2024-03-0{day}T22:00:00Z", "60", "", "", "cell-7"))
        rows.append((f"R{day}b", "MT", b, d, f"2024-03-0{day}T22:05:00Z", "60", "", "", "cell-7"))
        rows.append((f"R{day}x", "FWD", d, c, f"2024-03-0{day}T22:07:00Z", "60", "", "", "cell-7"))
    import_file(case, _write(tmp_path / "cdr.csv", CDR, rows), format_name="cdr")
    (finding,) = run_rules(case, only=("CO-LOCATION",))
    assert {f"phone:{a}", f"phone:{b}"} <= set(finding.entities)
    assert not {f"phone:{c}", f"phone:{d}"} & set(finding.entities)  # forwarded: no A party
    assert "6 times on 6 different days" in finding.explanation
    assert len(finding.evidence) == 12  # the 6 + 6 calls of a and b, not the forwarded ones
    texts = " ".join(e.text for e in finding.evidence)
    assert b in texts and d not in texts  # each sighting names the phone on the cell


def test_common_contacts_between_suspects(case: Case, tmp_path: Path) -> None:
    s1, s2, c1, c2, c3 = (f"+1312555012{n}" for n in range(5))
    bank = [("T1", "770000000001", "Sam Suspect", s1, "2024-03-01T10:00:00Z", "10.00", "USD",
             "debit", "card", "", "", ""),
            ("T2", "770000000002", "Tom Suspect", s2, "2024-03-01T10:00:00Z", "10.00", "USD",
             "debit", "card", "", "", "")]  # fmt: skip
    import_file(case, _write(tmp_path / "bank.csv", BANK, bank), format_name="bank")
    calls = [
        (f"R{n}{p[-1]}{q[-1]}", "MO", p, q, f"2024-03-0{n}T12:00:00Z", "30", "", "", "")
        for n, (p, q) in enumerate([(s1, c1), (s1, c2), (s2, c1), (s2, c2), (s2, c3)], 1)
    ]
    import_file(case, _write(tmp_path / "cdr.csv", CDR, calls), format_name="cdr")
    assert run_rules(case, only=("COMMON-CONTACTS",)) == []  # nobody is a suspect yet
    _person(case, "Sam Suspect", "suspect")
    _person(case, "Tom Suspect", "suspect")
    (finding,) = run_rules(case, only=("COMMON-CONTACTS",))
    assert {f"phone:{c1}", f"phone:{c2}"} <= set(finding.entities)
    assert f"phone:{c3}" not in finding.entities
    assert "same 2 numbers" in finding.explanation


def test_keyword_rules_suggest_tags_from_text() -> None:
    found = {(v, t) for v, t, _ in tag_rules("He kept her passport and said she owes 3000.")}
    assert ("ilo", "retention of identity documents") in found
    assert ("ilo", "debt bondage") in found
    assert ("htcds", "control: withholds documents") in found
    assert tag_rules("Dog walking in the park, references available.") == []


def test_tip_tags_are_suggestions_the_analyst_decides(demo_case_copy: Path) -> None:
    with Case.open(demo_case_copy, DEMO_PASSPHRASE) as case:
        new = suggest_tags(case)
        assert new and all(s.matched for s in new)
        passports = [s for s in new if s.tag == "retention of identity documents"]
        assert passports, "the passport tips were not tagged"
        one = passports[0]
        states = dict(
            ((o, v, t), s)
            for o, v, t, s in case.conn.execute(
                "SELECT object_id, vocabulary, tag, state FROM tags"
            )
        )
        assert states[(one.object_id, one.vocabulary, one.tag)] == "suggested"
        accept_tag(case, one.object_id, one.vocabulary, one.tag)
        other = new[-1]
        reject_tag(case, other.object_id, other.vocabulary, other.tag)
        assert suggest_tags(case) == []  # nothing new, decisions untouched
        rows = dict(
            ((o, t), s) for o, t, s in case.conn.execute("SELECT object_id, tag, state FROM tags")
        )
        assert rows[(one.object_id, one.tag)] == "accepted"
        assert rows[(other.object_id, other.tag)] == "rejected"
        with pytest.raises(CaseError, match="not a tag"):
            accept_tag(case, one.object_id, "ilo", "no such tag")
        actions = [r[0] for r in case.conn.execute("SELECT action FROM audit")]
        assert "suggest tags" in actions and "accept tag" in actions and "reject tag" in actions


def test_store_findings_is_all_or_nothing(case: Case, tmp_path: Path) -> None:
    rows = [
        (f"T{n}", "770000009999", "Cy Example", "", f"2024-03-{n + 1:02d}T15:00:00Z", "300.00",
         "USD", "credit", "cash", "", "Cy Example", "")
        for n in range(6)
    ]  # fmt: skip
    import_file(case, _write(tmp_path / "bank.csv", BANK, rows), format_name="bank")
    found = run_rules(case, only=("F6",))
    store_findings(case, found)
    count = case.conn.execute("SELECT count(*) FROM findings").fetchone()[0]
    bad = [found[0], object()]  # the second is not a finding: the write must roll back
    with pytest.raises(AttributeError):
        store_findings(case, bad)  # type: ignore[list-item]
    assert case.conn.execute("SELECT count(*) FROM findings").fetchone()[0] == count
