"""Briefs of small hand-made cases: Unicode names, each redaction rule, cancel and progress."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from analyst_app.brief import BriefCancelled, build_brief, narrative, set_narrative
from analyst_app.brief.data import EntityRec
from analyst_app.brief.redact import Redactor
from analyst_app.model import Entity, Link
from analyst_app.store import Case, CaseError
from analyst_app.store.editing import add_one

VICTIM = "Анна Сергеевна Петрова"
SUSPECT_GREEK = "Αλέξανδρος Παπαδόπουλος"
SUSPECT_LATIN = "José Núñez Łukasiewicz"
MINOR = "Zoë Brontë"
ACCOUNT = "DE89370400440532013000"
STREET = "1428 Elm Street"


@pytest.fixture
def small(case: Case) -> Case:
    case.update_settings(time_zone="Europe/Berlin", bates_prefix="TST-", case_number="24-ΔΦ-7")
    victim = add_one(case, Entity(type="Person", label=VICTIM, role="victim",
                                  properties={"name": VICTIM, "birth_date": "1999-04-03"}))  # fmt: skip
    greek = add_one(case, Entity(type="Person", label=SUSPECT_GREEK, role="suspect",
                                 status="confirmed"))  # fmt: skip
    latin = add_one(case, Entity(type="Person", label=SUSPECT_LATIN, role="suspect"))
    minor = add_one(case, Entity(type="Person", label=MINOR, role="witness",
                                 properties={"birth_date": "2012-06-01"}))  # fmt: skip
    account = add_one(case, Entity(type="Account", label=ACCOUNT, properties={"number": ACCOUNT,
                                   "holder": VICTIM}))  # fmt: skip
    home = add_one(case, Entity(type="Address", label=f"{STREET}, Springfield, IL 62704",
                                properties={"full": f"{STREET}, Springfield, IL 62704",
                                            "street": STREET, "city": "Springfield",
                                            "region": "IL"}))  # fmt: skip
    add_one(case, Link(type="lives_at", source_id=victim, target_id=home, label="lives at"))
    add_one(case, Link(type="owns", source_id=victim, target_id=account, label="owns"))
    add_one(case, Link(type="associate", source_id=greek, target_id=victim, label="knows",
                       status="confirmed"))  # fmt: skip
    add_one(case, Link(type="associate", source_id=latin, target_id=greek, label="knows"))
    add_one(case, Link(type="family", source_id=minor, target_id=victim, label="sister"))
    set_narrative(case, f"{VICTIM} met {SUSPECT_GREEK} in Berlin with {MINOR}.")
    return case


def _text(path: Path) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(path).pages)


def test_unicode_names_render_and_come_back_out(small: Case, tmp_path: Path) -> None:
    out = tmp_path / "brief.pdf"
    build_brief(small, out, compress=False)
    text = _text(out)
    assert SUSPECT_GREEK in text and SUSPECT_LATIN in text
    assert "24-ΔΦ-7" in text
    data = out.read_bytes()
    assert b"/FontFile2" in data  # the TrueType font is embedded
    # reportlab declares Helvetica (/F1) as every page's initial font; nothing is drawn in
    # it, since it has no Cyrillic or Greek.
    assert not re.findall(rb"/F1 [\d.]+ Tf[^\n]*?T[jJ]", data)


def test_redaction_rules(small: Case, tmp_path: Path) -> None:
    out = tmp_path / "brief.pdf"
    build_brief(small, out, compress=False)
    text = _text(out)
    for part in (VICTIM, *VICTIM.split()):
        assert part not in text
        assert part.encode("utf-8") not in out.read_bytes()
    assert "Victim-1" in text
    assert "Victim-1 met Αλέξανδρος Παπαδόπουλος in Berlin with Z.B.." in " ".join(text.split())
    assert ACCOUNT not in text and "****3000" in text
    assert STREET not in text and "Springfield, IL" in text
    assert "1999-04-03" not in text and "1999" in text
    assert MINOR not in text and "Z.B. (minor)" in text
    for page in PdfReader(out).pages:
        assert "TST-0000" in page.extract_text()


def test_sealed_version_shows_everything(small: Case, tmp_path: Path) -> None:
    out = tmp_path / "sealed.pdf"
    build_brief(small, out, redact=False)
    text = _text(out)
    assert VICTIM in text and ACCOUNT in text and STREET in text and "1999-04-03" in text
    assert f"{MINOR} (minor)" in text
    assert text.count("UNREDACTED - FILE UNDER SEAL") >= 2 * len(PdfReader(out).pages)


def test_statements_without_a_source_file_say_so(small: Case, tmp_path: Path) -> None:
    out = tmp_path / "brief.pdf"
    build_brief(small, out)
    assert "No source file recorded: entered by the analyst in the case." in _text(out)
    assert "No red-flag rules have been run on this case" in _text(out)


@pytest.mark.parametrize("stop_after", [0.2, 0.6])  # while gathering; while writing pages
def test_cancel_leaves_nothing_behind(small: Case, tmp_path: Path, stop_after: float) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "brief.pdf"
    out.write_bytes(b"the previous brief")
    seen: list[float] = []

    def cancel() -> bool:
        return bool(seen) and seen[-1] >= stop_after

    before = small.conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    with pytest.raises(BriefCancelled):
        build_brief(small, out, progress=seen.append, cancel=cancel)
    assert out.read_bytes() == b"the previous brief"
    assert [p.name for p in folder.iterdir()] == ["brief.pdf"]  # no temporary file left
    assert small.conn.execute("SELECT count(*) FROM audit").fetchone()[0] == before


def test_progress_rises_to_one(small: Case, tmp_path: Path) -> None:
    seen: list[float] = []
    build_brief(small, tmp_path / "b.pdf", progress=seen.append)
    assert seen[0] == 0.0 and seen[-1] == 1.0
    assert seen == sorted(seen)


def test_empty_case_still_gives_a_whole_brief(case: Case, tmp_path: Path) -> None:
    out = tmp_path / "empty.pdf"
    result = build_brief(case, out)
    text = _text(out)
    assert result.pages == len(PdfReader(out).pages) >= 5
    assert "No person in the case is recorded as a suspect or a victim." in text
    assert "Certification" in text


def test_narrative_setting_round_trip_and_limit(case: Case) -> None:
    set_narrative(case, "  First paragraph.\n\nSecond.  ")
    assert narrative(case) == "First paragraph.\n\nSecond."
    with pytest.raises(CaseError):
        set_narrative(case, "x" * 20_001)
    actions = [r[0] for r in case.conn.execute("SELECT action FROM audit ORDER BY seq")]
    assert actions[-1] == "edit settings"


def _person(eid: str, label: str, role: str | None, rowid: int) -> EntityRec:
    return EntityRec(eid, "Person", label, role, "unconfirmed", None, None, {}, rowid)


def test_redactor_names_parts_and_namesakes() -> None:
    redactor = Redactor(
        enabled=True,
        persons=[
            _person("p:1", "Maria Lopez", "victim", 1),
            _person("p:2", "Maria Gomez", "suspect", 2),
            _person("p:3", "maria  lopez", None, 3),  # an unresolved namesake of the victim
            _person("p:4", "Ana Ruiz", "victim", 4),
        ],
        accounts=[],
        addresses=[],
        homes=set(),
        as_of=date(2024, 6, 1),
    )
    assert redactor.label(_person("p:1", "Maria Lopez", "victim", 1)) == "Victim-1"
    assert redactor.label(_person("p:4", "Ana Ruiz", "victim", 4)) == "Victim-2"
    # The suspect who shares the victim's first name keeps her own name as a label...
    assert redactor.label(_person("p:2", "Maria Gomez", "suspect", 2)) == "Maria Gomez"
    # ...the namesake record is the victim, and free text loses every part of the name.
    assert redactor.label(_person("p:3", "maria  lopez", None, 3)) == "Victim-1"
    said = redactor.text("Witness saw MARIA\nLÓPEZ, then Lopez alone, with Ana.")
    assert said == "Witness saw Victim-1, then Victim-1 alone, with Victim-2."
    assert Redactor(enabled=False, persons=[], accounts=[], addresses=[], homes=set(),
                    as_of=date(2024, 6, 1)).text("Maria Lopez") == "Maria Lopez"  # fmt: skip


def test_a_saved_view_chooses_the_chart_and_its_hidden_entities_stay_out(
    demo_case_copy: Path,
) -> None:
    from analyst_app.brief.build import gather
    from analyst_app.brief.chart_section import choose_chart
    from analyst_app.graph import build_graph, layout
    from analyst_app.graph.views import SavedView, save_view

    with Case.open(demo_case_copy, "demo") as demo:
        ring = build_graph(demo, focus="phone:+13125550123", depth=1)
        positions = layout(ring, "circular")
        hidden = sorted(ring.nodes)[0]
        save_view(demo, SavedView(name="ring", positions=positions, hidden=[hidden]))
        chart, placed, what = choose_chart(gather(demo, redact=True), "ring")
    assert "ring" in what
    assert set(chart.nodes) == set(ring.nodes) - {hidden}
    assert all(placed[i] == positions[i] for i in chart.nodes)
