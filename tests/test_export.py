"""Export: FtM, ANX, GraphML, GEXF and CSV; round trips through our importers; audit; CLI."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from analyst_app.exchange import export_case
from analyst_app.exchange.tables import safe_cell
from analyst_app.ingest import import_file
from analyst_app.model import Entity, Link
from analyst_app.store import Case, CaseError
from analyst_app.store.writer import insert_entities, insert_links
from tests.conftest import PASSPHRASE, run_cli

DEMO = "demo"


def _entities(case: Case) -> Counter[tuple[Any, ...]]:
    return Counter(
        (t, label, props, status, role, sg, ig, handling)
        for t, label, props, status, role, sg, ig, handling in case.conn.execute(
            "SELECT type, label, properties, status, role, source_grade, info_grade, handling"
            " FROM entities"
        )
    )


def _links(case: Case) -> Counter[tuple[Any, ...]]:
    return Counter(
        case.conn.execute(
            "SELECT l.type, l.label, l.properties, l.status, l.source_grade, l.info_grade,"
            " s.type, s.label, t.type, t.label FROM links l"
            " JOIN entities s ON s.id = l.source_id JOIN entities t ON t.id = l.target_id"
        ).fetchall()
    )


def _events(case: Case) -> Counter[tuple[Any, ...]]:
    """Events with two or more entities (what a chart can draw), with who took part in what role."""
    sides: dict[str, list[tuple[str, str, str]]] = {}
    for event_id, role, etype, label in case.conn.execute(
        "SELECT ee.event_id, ee.role, e.type, e.label FROM event_entities ee"
        " JOIN entities e ON e.id = ee.entity_id"
    ):
        sides.setdefault(event_id, []).append((role, etype, label))
    return Counter(
        (t, label, json.dumps(json.loads(props), sort_keys=True), start, end, status, sg, ig,
         tuple(sorted(sides.get(eid, []))))
        for eid, t, label, props, start, end, status, sg, ig in case.conn.execute(
            "SELECT id, type, label, properties, start_utc, end_utc, status, source_grade,"
            " info_grade FROM events"
        )
        if len(sides.get(eid, [])) >= 2
    )  # fmt: skip


def _canonical(counter: Counter[tuple[Any, ...]]) -> Counter[tuple[Any, ...]]:
    """Properties as sorted JSON, so key order does not count as a difference."""
    return Counter(
        {
            tuple(
                json.dumps(json.loads(v), sort_keys=True) if i == 2 else v for i, v in enumerate(k)
            ): n
            for k, n in counter.items()
        }
    )


@pytest.mark.parametrize("fmt", ["anx", "graphml", "gexf"])
def test_round_trip_gives_the_same_entities_links_grades_and_sources(
    demo: Case, case_path: Path, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"demo.{fmt}"
    summary = export_case(demo, fmt, out)
    assert summary.written["entities"] > 1000 and summary.written["links"] > 800
    with Case.create(case_path, PASSPHRASE, {"case_number": "RT-1"}) as fresh:
        result = import_file(fresh, out)
        assert result.format == fmt and result.quarantined_rows == 0
        assert _canonical(_entities(fresh)) == _canonical(_entities(demo))
        assert _canonical(_links(fresh)) == _canonical(_links(demo))
        # Events travel as dated links/edges with their participants' roles.
        drawn = _events(demo)
        assert sum(drawn.values()) > 5000
        assert _events(fresh) == drawn
        assert result.added["events"] == summary.written["events"]
        # Every record names the file and place it first came from.
        original = {
            (label, f"{file} {loc}")
            for label, file, loc in demo.conn.execute(
                "SELECT e.label, s.file_name, p.locator FROM entities e"
                " JOIN provenance p ON p.object_id = e.id JOIN sources s ON s.id = p.source_id"
            )
        }
        again = fresh.conn.execute(
            "SELECT e.label, p.locator FROM entities e JOIN provenance p ON p.object_id = e.id"
        ).fetchall()
        assert len(again) == result.added["entities"]
        for label, locator in again:
            assert any(src in locator for lab, src in original if lab == label), (label, locator)


def test_anx_is_utf16_with_bom_and_uses_i2_types_and_icons(demo: Case, tmp_path: Path) -> None:
    out = tmp_path / "demo.anx"
    export_case(demo, "anx", out)
    data = out.read_bytes()
    assert data[:2] in (b"\xff\xfe", b"\xfe\xff")
    text = data.decode("utf-16")
    assert text.startswith('<?xml version="1.0" encoding="utf-16"?>')
    for i2_type, icon in (
        ("Person", "Person"),
        ("Organisation", "Organisation"),
        ("Telephone", "Phone"),
    ):
        assert f'Name="{i2_type}" IconFile="{icon}"' in text
    assert '<CustomProperty Name="Time zone" Type="String" Value="America/Chicago"' in text


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_networkx_reads_graph_exports_with_their_attributes(
    demo: Case, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"demo.{fmt}"
    summary = export_case(demo, fmt, out)
    graph = (nx.read_graphml if fmt == "graphml" else nx.read_gexf)(out)
    assert graph.number_of_nodes() == summary.written["entities"]
    assert graph.number_of_edges() == summary.written["links"] + summary.written["events"]
    person = next(data for _, data in graph.nodes(data=True) if data.get("type") == "Person")
    assert person["label"] and person["status"] in ("confirmed", "unconfirmed", "suspected")
    types = {data.get("type") for _, _, data in graph.edges(data=True)}
    assert {"owns", "uses", "lives_at", "Call", "Transaction"} <= types
    call = next(d for _, _, d in graph.edges(data=True) if d.get("type") == "Call")
    assert call["threadline_event"] == "true" and "caller=" in call["participants"]
    directed = {data.get("directed") for _, _, data in graph.edges(data=True)}
    assert directed <= {"true", "false"}


def _small_case(case: Case) -> dict[str, str]:
    """A victim, a suspect, a company, a phone, an account and links between them."""
    now = "2024-01-01T00:00:00Z"
    people = [
        Entity(
            type="Person",
            label="Ana Example",
            id="person:ana",
            role="victim",
            properties={"name": "Ana Example", "birth_date": "2004-02-03", "nationality": "MD"},
            source_grade="B",
            info_grade="2",
        ),
        Entity(
            type="Person",
            label='=HYPERLINK("http://x")',
            id="person:boris",
            role="suspect",
            properties={"name": '=HYPERLINK("http://x")', "alias": ["Bobo", "-B-"]},
            status="suspected",
        ),
        Entity(
            type="Organization",
            label="Lotus Spa",
            id="organization:lotus",
            properties={"name": "Lotus Spa", "category": "spa"},
        ),
        Entity(
            type="Phone",
            label="+15551230000",
            id="phone:+15551230000",
            properties={"number": "+15551230000"},
        ),
        Entity(type="Account", label="ACC1", id="account:ACC1", properties={"number": "ACC1"}),
    ]
    links = [
        Link(
            type="uses",
            source_id="person:boris",
            target_id="phone:+15551230000",
            id="link:1",
            label="uses",
            status="confirmed",
        ),
        Link(
            type="employs",
            source_id="organization:lotus",
            target_id="person:ana",
            id="link:2",
            label="employs",
            properties={"date": "2023-05-01"},
        ),
        Link(
            type="owns",
            source_id="organization:lotus",
            target_id="account:ACC1",
            id="link:3",
            label="owns",
        ),
        Link(
            type="family",
            source_id="person:ana",
            target_id="person:boris",
            id="link:4",
            label="cousin",
        ),
    ]
    with case.write("test", {}):
        insert_entities(case.conn, [(e, "") for e in people], now)
        insert_links(case.conn, [(lk, "") for lk in links], now)
    return {e.label: e.id or "" for e in people}


def test_csv_zip_and_folder_escape_formulas(case: Case, tmp_path: Path) -> None:
    _small_case(case)
    zipped = export_case(case, "csv", tmp_path / "out.zip")
    assert zipped.layout == "zip"
    with zipfile.ZipFile(tmp_path / "out.zip") as archive:
        assert sorted(archive.namelist()) == ["entities.csv", "events.csv", "links.csv"]
        text = archive.read("entities.csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    boris = next(r for r in rows if r["id"] == "person:boris")
    assert boris["label"] == '\'=HYPERLINK("http://x")'  # no spreadsheet will run it
    assert boris["alias"] == "Bobo; -B-" and boris["role"] == "suspect"
    assert not any(
        cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r.values() if cell
    )
    folder = export_case(case, "csv", tmp_path / "tables")
    assert folder.layout == "folder"
    links = list(
        csv.DictReader(io.StringIO((tmp_path / "tables" / "links.csv").read_text("utf-8-sig")))
    )
    assert {(r["type"], r["source_id"], r["target_id"]) for r in links} >= {
        ("employs", "organization:lotus", "person:ana")
    }
    assert [safe_cell(v) for v in ("+1555", "@cmd", "-2", "plain")] == [
        "'+1555",
        "'@cmd",
        "'-2",
        "plain",
    ]


def test_subset_export_brings_links_between_chosen_entities_only(
    case: Case, tmp_path: Path
) -> None:
    ids = _small_case(case)
    out = tmp_path / "subset.graphml"
    summary = export_case(case, "graphml", out, ids=[ids["Ana Example"], ids["Lotus Spa"]])
    assert summary.written == {"entities": 2, "links": 1, "events": 0}
    graph = nx.read_graphml(out)
    assert set(graph.nodes) == {"person:ana", "organization:lotus"}
    with pytest.raises(CaseError, match="None of the ids given"):
        export_case(case, "graphml", tmp_path / "none.graphml", ids=["person:nobody"])
    assert not (tmp_path / "none.graphml").exists()


def test_export_is_audited_with_what_was_written(case: Case, tmp_path: Path) -> None:
    _small_case(case)
    summary = export_case(case, "anx", tmp_path / "chart.anx")
    action, details = case.conn.execute(
        "SELECT action, details FROM audit ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    recorded = json.loads(details)
    assert action == "export"
    assert recorded["format"] == "anx" and recorded["file"] == "chart.anx"
    assert recorded["entities"] == 5 and recorded["links"] == 4
    assert recorded["sha256"] == summary.sha256 and len(summary.sha256) == 64


def test_small_case_round_trips_through_anx_with_roles_status_and_grades(
    case: Case, tmp_path: Path
) -> None:
    _small_case(case)
    export_case(case, "anx", tmp_path / "small.anx")
    with Case.create(tmp_path / "again.case", PASSPHRASE, {"case_number": "RT-2"}) as fresh:
        import_file(fresh, tmp_path / "small.anx")
        assert _canonical(_entities(fresh)) == _canonical(_entities(case))
        assert _canonical(_links(fresh)) == _canonical(_links(case))


def _ftm_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_ftm_export_folds_phones_into_owners_and_imports_back(case: Case, tmp_path: Path) -> None:
    _small_case(case)
    out = tmp_path / "case.ftm.json"
    export_case(case, "ftm", out)
    records = {r["id"]: r for r in _ftm_lines(out)}
    boris = records["person-boris"]
    assert boris["schema"] == "Person" and boris["properties"]["phone"] == ["+15551230000"]
    assert {r["schema"] for r in records.values()} == {
        "Person",
        "Organization",
        "BankAccount",
        "Employment",
        "Ownership",
        "Family",
    }
    with Case.create(tmp_path / "again.case", PASSPHRASE, {"case_number": "RT-3"}) as fresh:
        import_file(fresh, out)
        types = dict(
            fresh.conn.execute("SELECT type, count(*) FROM entities GROUP BY 1").fetchall()
        )
        assert types == {"Person": 2, "Organization": 1, "Phone": 1, "Account": 1}
        links = dict(fresh.conn.execute("SELECT type, count(*) FROM links GROUP BY 1").fetchall())
        assert links == {"uses": 1, "employs": 1, "owns": 1, "family": 1}


FTM_CHECK = """
import json, sys
from followthemoney import model
bad = 0
with open(sys.argv[1], encoding="utf-8") as handle:
    for line in handle:
        record = json.loads(line)
        proxy = model.get_proxy(record, cleaned=False)
        problem = proxy.schema.validate(record)
        lost = [p for p, v in record["properties"].items() if len(proxy.get(p)) != len(v)]
        if problem is not None or lost:
            bad += 1
            print(record["id"], problem, lost)
print("checked", bad)
"""


def test_followthemoney_validates_every_exported_entity(demo: Case, tmp_path: Path) -> None:
    """followthemoney itself reads the export, in its own environment (scripts/dev.py makes it)."""
    checker = os.environ.get("THREADLINE_FTM_PYTHON")
    if not checker or not Path(checker).exists():
        pytest.skip("no followthemoney checker environment (scripts/dev.py test makes one)")
    out = tmp_path / "demo.ftm.json"
    export_case(demo, "ftm", out)
    assert len(_ftm_lines(out)) > 1000
    result = subprocess.run(
        [checker, "-c", FTM_CHECK, str(out)], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "checked 0", result.stdout[-2000:]


def test_cli_export_writes_prints_and_refuses_clearly(case_path: Path, tmp_path: Path) -> None:
    with Case.create(case_path, PASSPHRASE, {"case_number": "CLI-1"}) as made:
        _small_case(made)
    done = run_cli(
        "export", str(case_path), "--format", "gexf", "-o", str(tmp_path / "g.gexf"), "--json"
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["written"] == {"entities": 5, "links": 4, "events": 0}
    assert nx.read_gexf(tmp_path / "g.gexf").number_of_nodes() == 5
    missing = run_cli(
        "export", str(case_path), "--format", "csv", "-o", str(tmp_path / "no" / "x.zip")
    )
    assert missing.returncode == 1
    assert missing.stderr.startswith("threadline: The folder") and missing.stderr.count("\n") == 1
    bad = run_cli("export", str(case_path), "--format", "pdf", "-o", str(tmp_path / "x"))
    assert bad.returncode == 2


def test_cli_offers_every_export_format() -> None:
    from analyst_app.cli import export_command
    from analyst_app.exchange import FORMATS

    assert export_command.FORMATS == FORMATS
