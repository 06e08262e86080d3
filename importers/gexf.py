"""GEXF (Gephi, networkx): 1.1, 1.2draft and 1.3, under either namespace spelling.

Gephi writes 1.3 as `http://www.gexf.net/1.3` and networkx as `http://gexf.net/1.3`;
names are matched without their namespace, so both read alike. Attributes are declared
per class (node, edge) with an id and a title; values are kept under the title.
A dynamic attribute (several values with start/end) is read as its latest value, and a
note on the record says so, because the analyst sees one value where the file had many.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

from importers.base import ReadOptions, Row, Unreadable
from importers.graphrows import Item, graph_rows
from importers.xmlgraph import decode, local, parse

name = "gexf"
title = "GEXF graph (Gephi)"
description = "Gephi/networkx graphs (GEXF 1.1-1.3): nodes, edges, attributes"
version = "1"
patterns = ("*.gexf",)


def sniff(path: Path, head: bytes) -> float:
    text = decode(head[:8192]).decode("utf-8", errors="ignore")
    if "<gexf" in text:
        return 0.95
    return 0.4 if path.suffix.lower() == ".gexf" else 0.0


def _child(el: Element, tag: str) -> list[Element]:
    return [c for c in el if local(c.tag) == tag]


def _declared(graph: Element) -> dict[str, dict[str, tuple[str, str]]]:
    """class -> attribute id -> (title, default)."""
    out: dict[str, dict[str, tuple[str, str]]] = {"node": {}, "edge": {}}
    for block in _child(graph, "attributes"):
        kind = block.get("class", "node")
        for attr in _child(block, "attribute"):
            default = next((d.text or "" for d in _child(attr, "default")), "")
            aid = attr.get("id", "")
            out.setdefault(kind, {})[aid] = (attr.get("title") or aid, default)
    return out


def _when(value: Element) -> str:
    return (
        value.get("end")
        or value.get("endopen")
        or value.get("start")
        or value.get("startopen")
        or ""
    )


def _attrs(
    el: Element, declared: dict[str, tuple[str, str]]
) -> tuple[list[tuple[str, str]], list[str]]:
    values: dict[str, list[Element]] = {}
    for block in _child(el, "attvalues"):
        for value in _child(block, "attvalue"):
            aid = value.get("for") or value.get("id") or ""
            values.setdefault(aid, []).append(value)
    attrs: list[tuple[str, str]] = []
    notes: list[str] = []
    for aid, found in values.items():
        title = declared.get(aid, (aid, ""))[0]
        latest = max(found, key=_when) if len(found) > 1 else found[0]
        if len(found) > 1 or latest.get("start") or latest.get("end"):
            notes.append(
                f"{title} is dynamic in the file ({len(found)} values); kept the latest"
                + (f", from {_when(latest)}" if _when(latest) else "")
            )
        attrs.append((title, latest.get("value", "")))
    for aid, (title, default) in declared.items():
        if aid not in values and default.strip():
            attrs.append((title, default))
    return [(n, v) for n, v in attrs if v.strip()], notes


def _nodes(parent: Element, declared: dict[str, tuple[str, str]], out: list[Item]) -> None:
    for block in _child(parent, "nodes"):
        for node in _child(block, "node"):
            attrs, notes = _attrs(node, declared)
            nid = node.get("id", "")
            out.append(
                Item(
                    id=nid,
                    attrs=attrs,
                    label=node.get("label", ""),
                    notes=notes,
                    locator=f"node {nid}",
                )
            )
            _nodes(node, declared, out)  # hierarchical graphs nest nodes in nodes


def read(path: Path, options: ReadOptions) -> Iterator[Row]:
    root = parse(path.read_bytes())
    if local(root.tag) != "gexf":
        raise Unreadable(f"it is XML but not GEXF (its root is <{local(root.tag)}>)")
    graphs = _child(root, "graph")
    if not graphs:
        raise Unreadable("it is GEXF with no graph in it, so there is nothing to import")
    graph = graphs[0]
    declared = _declared(graph)
    nodes: list[Item] = []
    _nodes(graph, declared["node"], nodes)
    if not nodes:
        raise Unreadable("its graph has no nodes, so there is nothing to import")
    default_kind = graph.get("defaultedgetype", "undirected")
    edges: list[Item] = []
    for block in _child(graph, "edges"):
        for edge in _child(block, "edge"):
            attrs, notes = _attrs(edge, declared["edge"])
            for extra in ("weight", "kind"):
                if edge.get(extra):
                    attrs.append((extra, edge.get(extra, "")))
            if edge.get("type", default_kind) == "directed" and default_kind != "directed":
                notes.append("Direction: directed")
            eid = edge.get("id") or f"#{len(edges) + 1}"
            edges.append(
                Item(
                    id=eid,
                    attrs=attrs,
                    label=edge.get("label", ""),
                    notes=notes,
                    source=edge.get("source", ""),
                    target=edge.get("target", ""),
                    locator=f"edge {eid}",
                    raw=f"{edge.get('source', '')} -> {edge.get('target', '')}",
                )
            )
    yield from graph_rows(nodes, edges, "GEXF node", "GEXF edge")
    if options.progress:
        options.progress(1.0)
