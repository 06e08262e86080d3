"""GEXF and GraphML import: Gephi and networkx files, every namespace spelling, broken graphs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from analyst_app.ingest import import_file
from analyst_app.store import Case, CaseError
from importers import REGISTRY, gexf, graphml
from tests.conftest import SAMPLES


def _sample(name: str) -> Path:
    path = SAMPLES / "gexf" / name
    if not path.is_file():
        pytest.skip("../shared/samples is not beside this checkout")
    return path


def _one(case: Case, sql: str, *args: object) -> Any:
    return case.conn.execute(sql, args).fetchone()[0]


def _props(case: Case, label: str) -> dict[str, Any]:
    row = case.conn.execute("SELECT properties FROM entities WHERE label = ?", (label,)).fetchone()
    assert row is not None, label
    result: dict[str, Any] = json.loads(row[0])
    return result


@pytest.mark.samples
def test_gephi_les_miserables_imports_77_nodes_and_254_edges(case: Case) -> None:
    summary = import_file(case, _sample("kiara_lesmis.gexf"))
    assert summary.format == "gexf"
    assert summary.added == {"entities": 77, "links": 254, "events": 0}
    assert summary.quarantined_rows == 0
    valjean = _props(case, "Valjean")
    assert valjean["original_type"] == "GEXF node"
    assert "Modularity Class: 1" in valjean["notes"]
    weights = _one(
        case, "SELECT count(*) FROM links WHERE json_extract(properties, '$.weight') = '8.0'"
    )
    assert weights >= 1  # edge weights kept as the link's weight


@pytest.mark.samples
def test_networkx_quakers_keeps_its_centrality_attributes(case: Case) -> None:
    summary = import_file(case, _sample("kiara_quakers.gexf"))
    assert summary.added == {"entities": 119, "links": 174, "events": 0}
    fox = _props(case, "George Fox")
    assert "degree: 22" in fox["notes"] and "betweenness: " in fox["notes"]


@pytest.mark.parametrize("writer", ["graphml", "gexf"])
def test_networkx_les_miserables_written_by_networkx_imports_whole(
    case: Case, tmp_path: Path, writer: str
) -> None:
    graph = nx.les_miserables_graph()
    path = tmp_path / f"lesmis.{writer}"
    (nx.write_graphml if writer == "graphml" else nx.write_gexf)(graph, path)
    summary = import_file(case, path)
    assert summary.format == writer
    assert summary.added["entities"] == graph.number_of_nodes() == 77
    assert summary.added["links"] == graph.number_of_edges() == 254


GEXF_TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<gexf xmlns="{ns}" version="{version}">
  <graph defaultedgetype="directed" mode="dynamic">
    <attributes class="node" mode="dynamic">
      <attribute id="0" title="type" type="string"/>
      <attribute id="1" title="city" type="string"><default>Chisinau</default></attribute>
    </attributes>
    <nodes>
      <node id="a" label="Ana Example">
        <attvalues>
          <attvalue for="0" value="Person"/>
          <attvalue for="1" value="Iasi" start="2023-01-01" end="2023-06-30"/>
          <attvalue for="1" value="Bucharest" start="2023-07-01" end="2024-01-01"/>
        </attvalues>
      </node>
      <node id="b" label="Lotus Spa"><attvalues><attvalue for="0" value="Company"/></attvalues></node>
    </nodes>
    <edges>
      <edge id="0" source="a" target="b" label="works at" weight="3"/>
      <edge id="1" source="a" target="a" label="alias of"/>
      <edge id="2" source="a" target="zz"/>
    </edges>
  </graph>
</gexf>
"""


@pytest.mark.parametrize(
    ("ns", "version"),
    [
        ("http://www.gexf.net/1.3", "1.3"),  # Gephi's spelling
        ("http://gexf.net/1.3", "1.3"),  # networkx's
        ("http://www.gexf.net/1.2draft", "1.2"),
        ("http://www.gexf.net/1.1draft", "1.1"),
    ],
)
def test_gexf_versions_types_self_loops_dynamic_values_and_dangling_edges(
    case: Case, tmp_path: Path, ns: str, version: str
) -> None:
    path = tmp_path / "small.gexf"
    path.write_text(GEXF_TEMPLATE.format(ns=ns, version=version), encoding="utf-8")
    summary = import_file(case, path)
    assert summary.added == {"entities": 2, "links": 2, "events": 0}
    assert summary.quarantined_rows == 1
    assert "'zz' is not a node of this graph" in summary.reasons[0]
    ana = case.conn.execute(
        "SELECT type, properties FROM entities WHERE label = 'Ana Example'"
    ).fetchone()
    assert ana[0] == "Person"
    notes = json.loads(ana[1])["notes"]
    assert "city: Bucharest" in notes  # the latest of the dynamic values
    assert "city is dynamic in the file (2 values); kept the latest" in notes
    assert _one(case, "SELECT type FROM entities WHERE label = 'Lotus Spa'") == "Organization"
    kinds = dict(case.conn.execute("SELECT type, source_id = target_id FROM links").fetchall())
    assert kinds == {"works_at": 0, "linked": 1}  # the self-loop is kept
    assert (
        _one(case, "SELECT json_extract(properties, '$.weight') FROM links WHERE type = 'works_at'")
        == "3"
    )


GRAPHML_KEYS_IN_GRAPH = """<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <graph id="G" edgedefault="undirected">
    <key id="k0" for="node" attr.name="type" attr.type="string"/>
    <key id="k1" for="node" attr.name="name" attr.type="string"/>
    <key id="k2" for="node" attr.name="role_in_ring" attr.type="string"><default>unknown</default></key>
    <key id="k3" for="edge" attr.name="relation" attr.type="string"/>
    <node id="p"><data key="k0">person</data><data key="k1">Ion Popescu</data></node>
    <node id="t"><data key="k0">phone</data><data key="k1">+40 721 234 567</data></node>
    <node id="x"><data key="k1">Unknown object</data></node>
    <edge source="p" target="t"><data key="k3">uses</data></edge>
    <edge source="t" target="t"/>
  </graph>
</graphml>
"""


def test_graphml_keys_declared_inside_graph_with_defaults(case: Case, tmp_path: Path) -> None:
    path = tmp_path / "ring.graphml"
    path.write_text(GRAPHML_KEYS_IN_GRAPH, encoding="utf-8")
    summary = import_file(case, path)
    assert summary.format == "graphml"
    assert summary.added == {"entities": 3, "links": 2, "events": 0}
    ion = _props(case, "Ion Popescu")
    assert ion["name"] == "Ion Popescu" and "role_in_ring: unknown" in ion["notes"]
    assert _one(case, "SELECT id FROM entities WHERE type = 'Phone'") == "phone:+40721234567"
    assert _props(case, "Unknown object")["original_type"] == "GraphML node"
    assert _one(case, "SELECT count(*) FROM links WHERE type = 'uses'") == 1
    assert _one(case, "SELECT count(*) FROM links WHERE source_id = target_id") == 1


@pytest.mark.parametrize(
    ("name", "body", "sentence"),
    [
        (
            "empty.graphml",
            '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"/>',
            "no graph in it",
        ),
        ("empty.gexf", '<gexf xmlns="http://gexf.net/1.3"><meta/></gexf>', "no graph in it"),
        ("cut.graphml", '<graphml><graph><node id="a"><data', "damaged or cut short"),
        (
            "laughs.gexf",
            '<!DOCTYPE g [<!ENTITY a "x"><!ENTITY b "&a;&a;">]><gexf><graph>&b;</graph></gexf>',
            "billion laughs",
        ),
        (
            "xxe.graphml",
            '<!DOCTYPE g [<!ENTITY x SYSTEM "file:///etc/hostname">]><graphml>&x;</graphml>',
            "/etc/hostname",
        ),
        ("nodes.graphml", "<graphml><graph/></graphml>", "no nodes"),
    ],
)
def test_empty_broken_or_hostile_graphs_get_one_sentence(
    case: Case, tmp_path: Path, name: str, body: str, sentence: str
) -> None:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    with pytest.raises(CaseError) as info:
        import_file(case, path, format_name=path.suffix[1:])
    assert sentence in str(info.value) and "\n" not in str(info.value)
    assert _one(case, "SELECT count(*) FROM entities") == 0
    assert _one(case, "SELECT count(*) FROM sources") == 0


def test_sniffing_tells_gexf_from_graphml(tmp_path: Path) -> None:
    g = nx.path_graph(3)
    for suffix, module, write in (
        ("gexf", gexf, nx.write_gexf),
        ("graphml", graphml, nx.write_graphml),
    ):
        path = tmp_path / f"g.{suffix}"
        write(g, path)
        head = path.read_bytes()
        assert max(REGISTRY, key=lambda imp: imp.sniff(path, head)) is module


YED = """<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:y="http://www.yworks.com/xml/graphml">
  <key for="node" id="d6" yfiles.type="nodegraphics"/>
  <graph edgedefault="directed" id="G">
    <node id="n0"><data key="d6"><y:ShapeNode><y:NodeLabel>Safe house</y:NodeLabel></y:ShapeNode></data></node>
    <node id="n1"><data key="d6"><y:ShapeNode><y:NodeLabel>Van</y:NodeLabel></y:ShapeNode></data></node>
    <edge id="e0" source="n1" target="n0"/>
  </graph>
</graphml>
"""


def test_yed_labels_come_from_the_graphics_payload(case: Case, tmp_path: Path) -> None:
    path = tmp_path / "yed.graphml"
    path.write_text(YED, encoding="utf-8")
    summary = import_file(case, path)
    assert summary.added == {"entities": 2, "links": 1, "events": 0}
    labels = {row[0] for row in case.conn.execute("SELECT label FROM entities")}
    assert labels == {"Safe house", "Van"}
