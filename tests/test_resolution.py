"""Duplicate candidates for people and organizations, from real files through the importers.

The case is issue 7's: "Maria G. Lopez" in a tip, "MARIA LOPEZ" holding a bank account,
"Mari" in a seized phone's contacts with the same number. Around her: a man whose phone is
on someone else's bank account (control, not identity) and unrelated people.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyst_app.ingest.run import import_file
from analyst_app.resolution import MergeError, candidates, decide, decisions
from analyst_app.resolution.candidates import Candidate
from analyst_app.store import Case

TIPS_HEADER = (
    "tip_id,channel,classification,received_at,reporter_type,contact,consent_to_share,language,"
    "narrative,translation,location,location_precision,event_start,event_end,exploitation_type,"
    "indicators,persons,phones,emails,handles,plates,urgency,minor,grading,handling"
)
BANK_HEADER = (
    "transaction_id,account_number,account_holder,holder_phone,holder_email,holder_address,"
    "posted_at,amount,currency,direction,channel,counterparty_name,counterparty_account,"
    "counterparty_country,merchant_name,mcc,merchant_city,merchant_country,location,depositor,memo"
)


def _tip(n: int, narrative: str, persons: str, phones: str) -> str:
    return (
        f'TIP-24-{n:05d},phone,tip,2024-03-0{n}T11:30:00-06:00,family member,,yes,en,"{narrative}",,'
        f'"Chicago, IL",city,,,labor,,{persons},{phones},,,,high,false,B3,LAW ENFORCEMENT SENSITIVE'
    )


def _tx(n: int, account: str, holder: str, phone: str, address: str, amount: str) -> str:
    return (
        f'TX{n:09d},{account},{holder},{phone},,"{address}",2024-02-0{n}T10:41:46-06:00,{amount},USD,'
        "credit,cash,,,,,,,,,,deposit"
    )


def _contact(uid: str, name: str, number: str) -> str:
    return f"""      <model type="Contact" id="{uid}" deleted_state="Intact">
        <field name="Name" type="String"><value type="String"><![CDATA[{name}]]></value></field>
        <multiModelField name="Entries" type="ContactEntry">
          <model type="PhoneNumber" id="{uid}-1" deleted_state="Intact">
            <field name="Value" type="String"><value type="String"><![CDATA[{number}]]></value></field>
            <field name="Domain" type="String"><value type="String"><![CDATA[Phone]]></value></field>
          </model>
        </multiModelField>
      </model>
"""


def write_files(folder: Path) -> list[Path]:
    """A tip, a bank export and a phone extraction that all hold Maria, written differently."""
    tips = folder / "tips.csv"
    tips.write_text(
        "\n".join(
            [
                TIPS_HEADER,
                _tip(
                    1,
                    "My sister Maria works at a salon and cannot leave; her phone is 312 555 0199.",
                    "Maria G. Lopez:victim",
                    "312 555 0199",
                ),
                _tip(2, "A neighbour, Ana Torres, saw vans at night.", "Ana Torres:witness", ""),
                _tip(
                    3,
                    "Victor brought a new girl, Lena, to the salon.",
                    "Victor Placeholder:suspect;Lena Testwood:victim",
                    "312 555 0123",
                ),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    bank = folder / "bank.csv"
    home = "2417 N Placeholder Rd, Chicago, IL 60647"
    bank.write_text(
        "\n".join(
            [
                BANK_HEADER,
                _tx(1, "770011112222", "MARIA LOPEZ", "+13125550199", home, "900.00"),
                _tx(2, "770011112222", "MARIA LOPEZ", "+13125550199", home, "450.00"),
                # The boss's phone on another woman's account: control, not the same person.
                _tx(3, "770033334444", "ROSA NOTREAL", "+17735550150", "", "300.00"),
                _tx(4, "770055556666", "DMITRI FAKENAME", "+17735550150", "", "9500.00"),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    report = folder / "report.xml"
    contacts = (
        _contact("c-1", "Mari", "(312) 555-0199")
        + _contact("c-2", "Bob King", "(312) 555-0142")
        + _contact("c-3", "Tanya Wells", "(312) 555-0133")
    )
    report.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<project id="p-1" name="Test phone" reportVersion="3.0"'
        ' xmlns="http://pa.cellebrite.com/report/2.0">\n'
        '  <metadata section="Device Info">\n'
        '    <item name="IMEI"><![CDATA[353681196664890]]></item>\n'
        '    <item name="MSISDN"><![CDATA[1 (312) 555-0123]]></item>\n'
        '  </metadata>\n  <decodedData>\n    <modelType type="Contact">\n'
        f"{contacts}    </modelType>\n  </decodedData>\n</project>\n",
        encoding="utf-8",
    )
    return [tips, bank, report]


def build_maria_case(case: Case, folder: Path) -> dict[str, str]:
    """Import the three files; return {label: entity id} for the people and businesses."""
    for path in write_files(folder):
        summary = import_file(case, path)
        assert summary.source_id
    rows = case.conn.execute(
        "SELECT label, id FROM entities WHERE type IN ('Person', 'Organization')"
    ).fetchall()
    ids = dict(rows)
    assert len(ids) == len(rows), "each name should be one entity in this small case"
    return ids


def _pair(found: list[Candidate], a: str, b: str) -> Candidate | None:
    for c in found:
        if {c.a_id, c.b_id} == {a, b}:
            return c
    return None


@pytest.fixture
def maria(case: Case, tmp_path: Path) -> dict[str, str]:
    return build_maria_case(case, tmp_path)


def test_the_three_marias_are_candidates_with_reasons(case: Case, maria: dict[str, str]) -> None:
    found = candidates(case)
    tip, bank, contact = maria["Maria G. Lopez"], maria["MARIA LOPEZ"], maria["Mari"]

    tip_bank = _pair(found, tip, bank)
    assert tip_bank is not None
    assert tip_bank.reasons[0].startswith("same name")
    # The tip gives her phone; the bank file says MARIA LOPEZ uses it.
    assert any("+1 312-555-0199" in r and "mentions it" in r for r in tip_bank.reasons)

    bank_contact = _pair(found, bank, contact)
    assert bank_contact is not None
    assert "same phone +1 312-555-0199" in bank_contact.reasons
    assert any("Mari ~ Maria" in r for r in bank_contact.reasons)
    assert "phone:+13125550199" in bank_contact.shared

    tip_contact = _pair(found, tip, contact)
    assert tip_contact is not None
    # The tip about her alone gives the number Mari's contact card holds.
    assert any("+1 312-555-0199" in r and "mentions it" in r for r in tip_contact.reasons)

    # Full names with shared evidence rank above a lone first name.
    assert tip_bank.score > tip_contact.score
    assert bank_contact.score > tip_contact.score
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)
    assert all(0 <= c.score <= 100 for c in found)


def test_unrelated_people_and_a_shared_controlled_phone_are_not_candidates(
    case: Case, maria: dict[str, str]
) -> None:
    found = candidates(case)
    involved = {frozenset((c.a_id, c.b_id)) for c in found}
    rosa, boss = maria["ROSA NOTREAL"], maria["DMITRI FAKENAME"]
    # Same phone on both accounts, but Rosa is not Dmitri.
    rosa_boss = frozenset((rosa, boss))
    assert rosa_boss not in involved
    for name in ("Ana Torres", "Bob King", "Tanya Wells", "Victor Placeholder", "Lena Testwood"):
        for other in ("Maria G. Lopez", "MARIA LOPEZ", "Mari"):
            assert frozenset((maria[name], maria[other])) not in involved, (name, other)
    everyone = {i for pair in involved for i in pair}
    assert maria["Tanya Wells"] not in everyone
    assert maria["Ana Torres"] not in everyone


def test_decided_pairs_are_not_proposed_again(case: Case, maria: dict[str, str]) -> None:
    tip, bank, contact = maria["Maria G. Lopez"], maria["MARIA LOPEZ"], maria["Mari"]
    decide(case, bank, tip, "match", ["same woman: her sister's tip and her account"])
    decide(case, contact, tip, "no_match")
    found = candidates(case)
    assert _pair(found, tip, bank) is None
    assert _pair(found, tip, contact) is None
    assert _pair(found, bank, contact) is not None
    assert decisions(case) == {
        (min(tip, bank), max(tip, bank)): "match",
        (min(tip, contact), max(tip, contact)): "no_match",
    }
    # Deciding again replaces the decision; the audit keeps both.
    decide(case, tip, contact, "match", ["checked her passport copy"])
    assert decisions(case)[(min(tip, contact), max(tip, contact))] == "match"
    audit = case.conn.execute(
        "SELECT analyst, details FROM audit WHERE action = 'resolution decision' ORDER BY seq"
    ).fetchall()
    assert len(audit) == 3
    assert audit[0][0] == "analyst.test"
    last = json.loads(audit[-1][1])
    assert last["decision"] == "match"
    assert last["replaced"]["decision"] == "no_match"
    assert last["reasons"] == ["checked her passport copy"]


def test_decide_refuses_bad_input_and_changes_nothing(case: Case, maria: dict[str, str]) -> None:
    tip = maria["Maria G. Lopez"]
    before = case.conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    with pytest.raises(MergeError, match="'match' or 'no_match'"):
        decide(case, tip, maria["Mari"], "maybe")
    with pytest.raises(MergeError, match="two different"):
        decide(case, tip, tip, "match")
    with pytest.raises(MergeError, match="no entity"):
        decide(case, tip, "person:nobody", "no_match")
    with pytest.raises(MergeError, match="no entity type"):
        candidates(case, types=("Persn",))
    assert case.conn.execute("SELECT count(*) FROM audit").fetchone()[0] == before
    assert decisions(case) == {}


def test_candidates_read_only(case: Case, maria: dict[str, str]) -> None:
    before = case.conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    assert candidates(case, types=("Organization",)) == []
    assert candidates(case, min_score=101) == []
    assert case.conn.execute("SELECT count(*) FROM audit").fetchone()[0] == before


def test_dates_of_birth_agree_and_conflict(case: Case, maria: dict[str, str]) -> None:
    from analyst_app.store.editing import update_entity

    tip, bank = maria["Maria G. Lopez"], maria["MARIA LOPEZ"]
    before = _pair(candidates(case), tip, bank)
    assert before is not None
    update_entity(case, tip, properties={"name": "Maria G. Lopez", "birth_date": "1990-04-02"})
    update_entity(case, bank, properties={"name": "MARIA LOPEZ", "birth_date": "1990-04-02"})
    agree = _pair(candidates(case), tip, bank)
    assert agree is not None and agree.score > before.score
    assert "same date of birth 1990-04-02" in agree.reasons
    update_entity(case, bank, properties={"name": "MARIA LOPEZ", "birth_date": "1985-11-30"})
    differ = _pair(candidates(case, min_score=0), tip, bank)
    assert differ is not None and differ.score < before.score
    assert "dates of birth differ: 1990 vs 1985" in differ.reasons


def test_demo_case_candidates_are_readable(demo_case_file: Path, demo_case_copy: Path) -> None:
    """The demo plants no duplicates on purpose, but its people appear once per file (tip,
    bank, phone contacts): each suspect's and victim's records must meet, and nothing may
    join two different people because they share the boss's phone."""
    raw = demo_case_file.with_name(demo_case_file.name + "-raw")
    truth = json.loads((raw / "ground_truth.json").read_text(encoding="utf-8"))
    with Case.open(demo_case_copy, "demo") as case:
        found = candidates(case)
        labels = dict(case.conn.execute("SELECT id, label FROM entities").fetchall())
        counts = dict(
            case.conn.execute(
                "SELECT label, count(*) FROM entities WHERE type = 'Person' GROUP BY label"
            ).fetchall()
        )
    print(f"\n{len(found)} candidates on the demo case:")
    for c in found:
        print(f"  {c.score:3d}  {c.a_label} | {c.b_label}: {'; '.join(c.reasons)}")
    assert 10 <= len(found) <= 150
    pairs = {(labels[c.a_id], labels[c.b_id]) for c in found}
    for person in truth["suspects"] + truth["victims"]:
        if counts.get(person["name"], 0) > 1:
            assert (person["name"], person["name"]) in pairs, person["name"]
    assert any({"Dima", "Dmitri Fakename"} == {a, b} for a, b in pairs)
    for c in found:
        first = {c.a_label.split()[0], c.b_label.split()[0]}
        # Two different people are never proposed just because they share the boss's phone.
        assert c.a_label == c.b_label or len(first) == 1 or first == {"Dima", "Dmitri"}, c


@pytest.mark.parametrize(
    ("a", "b", "low", "high", "said"),
    [
        ("Maria G. Lopez", "MARIA LOPEZ", 1.0, 1.0, "same name (initial G. in one only)"),
        ("LOPEZ, MARIA", "María López", 1.0, 1.0, "same name"),
        ("Mari", "MARIA LOPEZ", 0.8, 0.9, "Mari ~ Maria (a short form): one word of a name"),
        ("Dima", "Dmitri Fakename", 0.8, 0.9, "Dima ~ Dmitri (a short form)"),
        ("M. Lopez", "Maria Lopez", 0.8, 0.9, "M. ~ Maria"),
        ("Mariag Lopez", "Maria G Lopez", 0.85, 0.95, "names"),
        ("Maria G. Lopez", "Maria R. Lopez", 0.8, 0.8, "initials differ"),
        ("Toby Dummyfield", "Toby Draftwell", 0.0, 0.5, "names"),
        ("Ana Torres", "Maria Lopez", 0.0, 0.3, "names"),
    ],
)
def test_name_comparison(a: str, b: str, low: float, high: float, said: str) -> None:
    from analyst_app.resolution.names import compare, parse

    left, right = parse(a), parse(b)
    assert left is not None and right is not None
    match = compare(left, right)
    assert low <= match.similarity <= high, match
    assert said in match.reason
    assert compare(right, left).similarity == pytest.approx(match.similarity)


def test_progress_and_cancel(case: Case, maria: dict[str, str]) -> None:
    seen: list[float] = []
    found = candidates(case, progress=seen.append)
    assert found and seen[-1] == 1.0 and seen == sorted(seen)
    assert candidates(case, cancelled=lambda: True) == []
