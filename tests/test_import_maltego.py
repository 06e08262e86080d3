"""Maltego import: the real Maltego CE GraphML, its broken variant, .mtgx zips old and new."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from analyst_app.ingest import import_file
from analyst_app.store import Case, CaseError
from importers import REGISTRY, maltego
from tests.conftest import SAMPLES

FOLDER = SAMPLES / "mtgx"


def _sample(name: str) -> Path:
    path = FOLDER / name
    if not path.is_file():
        pytest.skip("../shared/samples is not beside this checkout")
    return path


def _one(case: Case, sql: str, *args: object) -> Any:
    return case.conn.execute(sql, args).fetchone()[0]


def _assert_full_graph(case: Case) -> None:
    types = dict(case.conn.execute("SELECT type, count(*) FROM entities GROUP BY 1").fetchall())
    assert types == {"Person": 1, "Address": 2, "Other": 27}
    doe = case.conn.execute("SELECT properties FROM entities WHERE type = 'Person'").fetchone()
    props = json.loads(doe[0])
    assert props["name"] == "John Doe" and "Surname: Doe" in props["notes"]
    kept = dict(
        case.conn.execute(
            "SELECT json_extract(properties, '$.original_type'), count(*) FROM entities"
            " WHERE type = 'Other' GROUP BY 1"
        ).fetchall()
    )
    assert kept["maltego.Domain"] == 4 and kept["maltego.Hash"] == 4  # Maltego types kept
    statuses = dict(case.conn.execute("SELECT status, count(*) FROM links GROUP BY 1").fetchall())
    assert statuses == {"confirmed": 11, "unconfirmed": 17}  # manual links vs transform links
    dated = _one(
        case, "SELECT count(*) FROM links WHERE json_extract(properties, '$.start') IS NOT NULL"
    )
    assert dated == 17  # each transform link carries the time the transform ran


@pytest.mark.samples
def test_maltego_ce_graphml_imports_30_entities_and_28_links(case: Case) -> None:
    summary = import_file(case, _sample("virustotal_maltego_graph.graphml"))
    assert summary.format == "maltego"
    assert summary.added == {"entities": 30, "links": 28, "events": 0}
    assert summary.quarantined_rows == 0
    _assert_full_graph(case)


@pytest.mark.samples
def test_classic_mtgx_zip_reads_the_same_graph(case: Case, tmp_path: Path) -> None:
    path = tmp_path / "case.mtgx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "Graphs/Graph1.graphml", _sample("virustotal_maltego_graph.graphml").read_bytes()
        )
        archive.writestr("version.properties", "maltego.graph.version=1.2\n")
    summary = import_file(case, path)
    assert summary.format == "maltego"
    assert summary.added == {"entities": 30, "links": 28, "events": 0}
    _assert_full_graph(case)


@pytest.mark.samples
def test_broken_maltego_graph_imports_what_it_can_and_counts_the_rest(case: Case) -> None:
    summary = import_file(case, _sample("virustotal_maltego_graph_errors.graphml"))
    # 29 nodes: one has an entity without properties, one no entity at all.
    assert summary.added == {"entities": 27, "links": 28, "events": 0}
    assert summary.quarantined_rows == 2
    reasons = dict(case.conn.execute("SELECT locator, reason FROM quarantine").fetchall())
    assert reasons == {
        "node n0": "the maltego.Location entity has no properties",
        "node n1": "the node has no Maltego entity in it",
    }


@pytest.mark.samples
def test_an_entity_definition_archive_is_refused_in_one_sentence(case: Case) -> None:
    with pytest.raises(CaseError) as info:
        import_file(case, _sample("pymtgx_test_entities.mtz"))
    assert "entity-definition archive (.mtz) with no graph in it" in str(info.value)
    assert _one(case, "SELECT count(*) FROM sources") == 0


def test_a_lucene_based_mtgx_is_refused_with_what_to_do(case: Case, tmp_path: Path) -> None:
    path = tmp_path / "new.mtgx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Graphs/Graph1/segments_1", b"\x3f\xd7\x6c\x17lucene")
        archive.writestr("Graphs/Graph1/_0.cfs", b"\0" * 64)
    with pytest.raises(CaseError) as info:
        import_file(case, path)
    message = str(info.value)
    assert "Lucene index" in message and "export it as GraphML" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("name", "data", "sentence"),
    [
        ("fake.mtgx", b"not a zip at all", "a .mtgx is a zip file"),
        ("empty.mtgx", None, "no Maltego graph in it"),
        (
            "nograph.graphml",
            b'<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
            b'xmlns:mtg="http://maltego.paterva.com/xml/mtgx"/>',
            "no graph in it",
        ),
        (
            "bomb.graphml",
            b'<!DOCTYPE g [<!ENTITY a "x"><!ENTITY b "&a;&a;">]>'
            b'<graphml xmlns:mtg="http://maltego.paterva.com/xml/mtgx">&b;</graphml>',
            "billion laughs",
        ),
    ],
)
def test_files_with_no_graph_or_hostile_xml_get_one_sentence(
    case: Case, tmp_path: Path, name: str, data: bytes | None, sentence: str
) -> None:
    path = tmp_path / name
    if data is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("readme.txt", "nothing here")
    else:
        path.write_bytes(data)
    with pytest.raises(CaseError) as info:
        import_file(case, path, format_name="maltego")
    assert sentence in str(info.value)
    assert _one(case, "SELECT count(*) FROM entities") == 0


@pytest.mark.samples
def test_sniffing_prefers_maltego_for_mtg_payloads() -> None:
    path = _sample("virustotal_maltego_graph.graphml")
    head = path.read_bytes()[:65536]
    assert max(REGISTRY, key=lambda imp: imp.sniff(path, head)) is maltego
