"""i2 ANX import: the real anxwritter chart, encodings that lie, hostile and empty files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from analyst_app.ingest import import_file
from analyst_app.store import Case, CaseError
from importers import REGISTRY, anx
from importers.base import ReadOptions
from tests.conftest import SAMPLES

SAMPLE = SAMPLES / "anx" / "anxwritter_1.25.0_example.anx"

SMALL = """<?xml version="1.0" encoding="{declared}"?>
<Chart>
<GradeOne><StringCollection><String Text="Completely reliable"/><String Text="Usually reliable"/>
</StringCollection></GradeOne>
<GradeTwo><StringCollection><String Text="Confirmed"/><String Text="Probably true"/>
<String Text="Possibly true"/></StringCollection></GradeTwo>
<ChartItemCollection>
<ChartItem Id="A" Label="Mirela Dobre" GradeOneIndex="1" GradeTwoIndex="2" Description="met at the bus station">
<End><Entity EntityId="1" Identity="mirela"><Icon><IconStyle Type="Woman"/></Icon></Entity></End>
<AttributeCollection><Attribute AttributeClass="Nationality" Value="MD"/>
<Attribute AttributeClass="Eye colour" Value="brown"/></AttributeCollection>
</ChartItem>
<ChartItem Id="B" Label="Smokehouse Ltd">
<End><Entity EntityId="2" Identity="smoke"><Icon><IconStyle Type="Shell Company"/></Icon></Entity></End>
</ChartItem>
<ChartItem Id="C" Label="directs" DateSet="true" TimeSet="true" DateTime="2024-03-02T02:14:00.000"
 SourceReference="TIP-0042" SourceType="Informant" GradeOneIndex="0" GradeTwoIndex="0">
<Link End1Id="1" End2Id="2"><LinkStyle Type="Controls" Strength="Tentative" ArrowStyle="ArrowOnTail"/></Link>
</ChartItem>
<ChartItem Id="D" Label="ghost"><Link End1Id="1" End2Id="99"><LinkStyle Type="Associate"/></Link></ChartItem>
</ChartItemCollection>
</Chart>
"""


def _need_sample() -> Path:
    if not SAMPLE.is_file():
        pytest.skip("../shared/samples is not beside this checkout")
    return SAMPLE


def _rows(case: Case, sql: str, *args: object) -> list[Any]:
    return list(case.conn.execute(sql, args).fetchall())


def _entity(case: Case, label: str) -> dict[str, Any]:
    row = case.conn.execute(
        "SELECT id, type, properties, source_grade, info_grade FROM entities WHERE label = ?",
        (label,),
    ).fetchone()
    assert row is not None, label
    return {"id": row[0], "type": row[1], **json.loads(row[2]), "grades": (row[3], row[4])}


@pytest.mark.samples
def test_anxwritter_sample_imports_every_item_with_types_grades_and_sources(case: Case) -> None:
    summary = import_file(case, _need_sample())
    assert summary.format == "anx"
    assert summary.added == {"entities": 8, "links": 8, "events": 0}
    assert summary.quarantined_rows == 0
    types = dict(_rows(case, "SELECT type, count(*) FROM entities GROUP BY 1"))
    assert types == {"Person": 3, "Organization": 2, "Vehicle": 1, "Account": 2}
    suv = _entity(case, "Black SUV")
    assert suv["plate"] == "ABC1234" and suv["id"] == "plate:ABC1234"
    alex = _entity(case, "Alex Carter")
    assert "Phone Number: (555) 010-0123" in alex["notes"]  # attributes kept, none dropped
    assert alex["grades"] == ("B", "2")  # index 1 of the chart's own grade words
    links = dict(_rows(case, "SELECT type, count(*) FROM links GROUP BY 1"))
    assert links == {"linked": 3, "owns": 3, "employs": 1, "associate": 1}
    calls = _rows(
        case,
        "SELECT json_extract(properties, '$.original_type'), status FROM links"
        " WHERE type = 'linked' ORDER BY label",
    )
    assert ("Calls", "unconfirmed") in calls and (
        "Calls",
        "confirmed",
    ) in calls  # Possible/Confirmed
    money = _rows(
        case,
        "SELECT l.source_grade, l.info_grade, p.locator, json_extract(l.properties, '$.start')"
        " FROM links l JOIN provenance p ON p.object_id = l.id WHERE l.label = '$50,000'",
    )
    assert money == [
        ("A", "1", "ChartItem ID31 (source BANK-001, Discovery)", "2026-02-20T14:00:00Z")
    ]
    employs = _rows(
        case,
        "SELECT s.label, t.label FROM links l JOIN entities s ON s.id = l.source_id"
        " JOIN entities t ON t.id = l.target_id WHERE l.type = 'employs'",
    )
    assert employs == [("Pinecrest Logistics Inc", "Jamie Rivera")]


@pytest.mark.parametrize(
    ("declared", "encoding"),
    [("utf-16", "utf-8"), ("utf-8", "utf-16"), ("utf-16", "utf-16-le"), ("utf-8", "utf-8-sig")],
)
def test_encoding_is_read_from_the_bytes_not_the_declaration(
    case: Case, tmp_path: Path, declared: str, encoding: str
) -> None:
    path = tmp_path / "chart.anx"
    path.write_bytes(SMALL.format(declared=declared).encode(encoding))
    summary = import_file(case, path)
    assert summary.added == {"entities": 2, "links": 1, "events": 0}
    assert summary.quarantined_rows == 1
    assert "'99' is not an entity of this chart" in summary.reasons[0]
    mirela = _entity(case, "Mirela Dobre")
    assert mirela["type"] == "Person" and mirela["nationality"] == "MD"
    assert mirela["grades"] == ("B", "3")
    assert "Eye colour: brown" in mirela["notes"] and "met at the bus station" in mirela["notes"]
    shell = _entity(case, "Smokehouse Ltd")
    assert shell["type"] == "Other" and shell["original_type"] == "Shell Company"
    link = _rows(
        case,
        "SELECT type, source_id, target_id, status, json_extract(properties, '$.start'),"
        " json_extract(properties, '$.description') FROM links",
    )
    # ArrowOnTail: the arrow points at End1, so the company controls the person.
    assert link == [
        (
            "controls",
            shell["id"],
            mirela["id"],
            "unconfirmed",
            "2024-03-02T02:14:00Z",
            "Strength: Tentative",
        ),
    ]


def test_the_sniffer_picks_anx_for_a_chart_in_any_encoding(tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    path.write_bytes(SMALL.format(declared="utf-8").encode("utf-16"))
    head = path.read_bytes()[:65536]
    best = max(REGISTRY, key=lambda imp: imp.sniff(path, head))
    assert best is anx


@pytest.mark.parametrize(
    ("body", "sentence"),
    [
        (
            '<?xml version="1.0"?><!DOCTYPE Chart [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
            "<Chart>&b;</Chart>",
            "billion laughs",
        ),
        (
            '<?xml version="1.0"?><!DOCTYPE Chart [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            "<Chart>&x;</Chart>",
            "/etc/passwd",
        ),
        ("<Chart><ChartItemCollection><ChartItem", "damaged or cut short"),
        ("<Chart><ChartItemCollection/></Chart>", "no chart items"),
        ("<graphml/>", "not an i2 chart"),
        ("   ", "empty"),
    ],
)
def test_hostile_broken_or_empty_charts_get_one_sentence_and_change_nothing(
    case: Case, tmp_path: Path, body: str, sentence: str
) -> None:
    path = tmp_path / "bad.anx"
    path.write_text(body, encoding="utf-8")
    before = case.conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    with pytest.raises(CaseError) as info:
        import_file(case, path, format_name="anx")
    message = str(info.value)
    assert sentence in message and "\n" not in message
    assert case.conn.execute("SELECT count(*) FROM entities").fetchone()[0] == 0
    assert case.conn.execute("SELECT count(*) FROM sources").fetchone()[0] == 0
    assert case.conn.execute("SELECT count(*) FROM audit").fetchone()[0] == before


def test_rows_carry_their_chart_item_as_locator(tmp_path: Path) -> None:
    path = tmp_path / "chart.anx"
    path.write_text(SMALL.format(declared="utf-8"), encoding="utf-8")
    rows = list(anx.read(path, ReadOptions()))
    assert [r.locator for r in rows] == [
        "ChartItem A",
        "ChartItem B",
        "ChartItem C (source TIP-0042, Informant)",
        "ChartItem D",
    ]
