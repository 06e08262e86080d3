"""GraphML and GEXF: the case as a graph that networkx, Gephi and yEd read.

Nodes are entities, edges links. Each carries `label`, `type` and the record fields
(status, role, grades, handling) as attributes, then its properties under their own
names; a list property is written as a JSON array. Both files are directed graphs
(networkx refuses a GEXF that mixes directions), with a `directed` attribute saying
whether the link type has a direction. An event with two or more entities is an edge
between the first two, marked `threadline_event`, with `participants` (role=node id),
`start_utc` and `end_utc`, which the importers read back into the event. GEXF is 1.3
under `http://gexf.net/1.3`, the namespace networkx accepts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element, SubElement, tostring

from analyst_app.exchange.snapshot import Snapshot
from analyst_app.model import Entity, Link, PropertyValue, Record
from analyst_app.schema.loader import Schema

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
GEXF_NS = "http://gexf.net/1.3"
EVENT = "threadline_event"
RESERVED = ("directed", "sources", "participants", "start_utc", "end_utc", EVENT)


def _text(value: PropertyValue) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _fields(record: Record) -> list[tuple[str, str]]:
    out = [("label", record.label), ("type", record.type), ("status", record.status)]
    if isinstance(record, Entity) and record.role:
        out.append(("role", record.role))
    for name in ("source_grade", "info_grade", "handling"):
        value = getattr(record, name)
        if value:
            out.append((name, value))
    return out


def _attrs(record: Record, schema: Schema) -> list[tuple[str, str]]:
    pairs = _fields(record)
    if isinstance(record, Link):
        typedef = schema.get(record.type, "link")
        directed = bool(typedef and typedef.edge and typedef.edge.directed)
        pairs.append(("directed", "true" if directed else "false"))
    used = {k for k, _ in pairs} | set(RESERVED)
    for name, value in record.properties.items():
        # A property named like a field (a call's `status`) keeps its own column.
        pairs.append((f"property.{name}" if name in used else name, _text(value)))
    return pairs


def _with_sources(
    pairs: list[tuple[str, str]], snap: Snapshot, record: Record
) -> list[tuple[str, str]]:
    """Where the record came from ("file locator; ..."), read back as provenance."""
    found = snap.sources.get(record.id or "", [])
    if found:
        pairs.append(("sources", "; ".join(f"{s.file} {s.locator}" for s in found)))
    return pairs


@dataclass
class _Edge:
    id: str
    source: str
    target: str
    label: str
    weight: str | None
    pairs: list[tuple[str, str]]


def _edges(snap: Snapshot, schema: Schema) -> list[_Edge]:
    """Links, then events as edges between their first two entities (see module doc)."""
    ids = {e.id for e in snap.entities}
    out = []
    for lk in snap.links:
        if lk.source_id in ids and lk.target_id in ids:
            weight = lk.properties.get("weight")
            out.append(
                _Edge(lk.id or "", lk.source_id, lk.target_id, lk.label,
                      weight if isinstance(weight, str) and _number(weight) else None,
                      _with_sources(_attrs(lk, schema), snap, lk))
            )  # fmt: skip
    for ev in snap.events:
        ends = [(role, eid) for role, eid in ev.participants if eid in ids]
        distinct = list(dict.fromkeys(eid for _, eid in ends))
        if len(distinct) < 2:
            continue
        pairs = _attrs(ev, schema)
        pairs[2:2] = [
            (EVENT, "true"),
            ("directed", "true"),  # from the first participant (caller, payer...) on
            ("participants", "; ".join(f"{role}={eid}" for role, eid in ends)),
            *((("start_utc", ev.start),) if ev.start else ()),
            *((("end_utc", ev.end),) if ev.end else ()),
        ]
        out.append(_Edge(ev.id or "", distinct[0], distinct[1], ev.label, None,
                         _with_sources(pairs, snap, ev)))  # fmt: skip
    return out


def _declare(records: list[list[tuple[str, str]]]) -> list[str]:
    names: dict[str, None] = {}
    for pairs in records:
        for name, _ in pairs:
            names.setdefault(name)
    return list(names)


def write_graphml(snap: Snapshot, schema: Schema, out: Path) -> int:
    root = Element("graphml", xmlns=GRAPHML_NS)
    node_attrs = [_with_sources(_attrs(e, schema), snap, e) for e in snap.entities]
    edges = _edges(snap, schema)
    keys: dict[tuple[str, str], str] = {}
    for kind, records in (("node", node_attrs), ("edge", [e.pairs for e in edges])):
        for name in _declare(records):
            key = f"{kind[0]}{len(keys)}"
            keys[(kind, name)] = key
            kind_type = "double" if name == "weight" else "string"
            SubElement(
                root, "key", id=key, attrib={"for": kind, "attr.name": name, "attr.type": kind_type}
            )
    graph = SubElement(root, "graph", id="threadline", edgedefault="directed")
    for entity, pairs in zip(snap.entities, node_attrs, strict=True):
        node = SubElement(graph, "node", id=entity.id or "")
        for name, value in pairs:
            SubElement(node, "data", key=keys[("node", name)]).text = value
    for item in edges:
        edge = SubElement(graph, "edge", id=item.id, source=item.source, target=item.target)
        for name, value in item.pairs:  # weight is a number property, so a double is safe
            SubElement(edge, "data", key=keys[("edge", name)]).text = value
    _write(root, out)
    return _events_drawn(edges)


def _events_drawn(edges: list[_Edge]) -> int:
    return sum(1 for e in edges if (EVENT, "true") in e.pairs)


def _number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def write_gexf(snap: Snapshot, schema: Schema, out: Path) -> int:
    root = Element("gexf", xmlns=GEXF_NS, version="1.3")
    meta = SubElement(root, "meta")
    SubElement(meta, "creator").text = "Threadline"
    graph = SubElement(root, "graph", defaultedgetype="directed", mode="static")
    node_attrs = [_with_sources(_attrs(e, schema), snap, e) for e in snap.entities]
    edges = _edges(snap, schema)
    ids: dict[tuple[str, str], str] = {}
    for kind, records in (("node", node_attrs), ("edge", [e.pairs for e in edges])):
        block = SubElement(graph, "attributes", attrib={"class": kind, "mode": "static"})
        for name in _declare(records):
            if name == "label":
                continue  # GEXF has its own label
            ids[(kind, name)] = f"{kind[0]}{len(ids)}"
            SubElement(block, "attribute", id=ids[(kind, name)], title=name, type="string")
    nodes = SubElement(graph, "nodes")
    for entity, pairs in zip(snap.entities, node_attrs, strict=True):
        node = SubElement(nodes, "node", id=entity.id or "", label=entity.label)
        _values(node, "node", pairs, ids)
    block = SubElement(graph, "edges")
    for item in edges:
        edge = SubElement(block, "edge", id=item.id, source=item.source, target=item.target,
                          label=item.label)  # fmt: skip
        if item.weight is not None:
            edge.set("weight", item.weight)
        _values(edge, "edge", [(n, v) for n, v in item.pairs if n != "weight"], ids)
    _write(root, out)
    return _events_drawn(edges)


def _values(
    el: Element, kind: str, pairs: list[tuple[str, str]], ids: dict[tuple[str, str], str]
) -> None:
    block = SubElement(el, "attvalues")
    for name, value in pairs:
        if (kind, name) in ids:
            SubElement(block, "attvalue", attrib={"for": ids[(kind, name)], "value": value})


def _write(root: Element, out: Path) -> None:
    body = tostring(root, encoding="unicode")
    out.write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n", encoding="utf-8")
