"""GraphML (networkx, Gephi, yEd, Cytoscape): nodes become entities, edges links.

Keys are read wherever they are declared, inside `<graph>` too (some writers put them
there, against the schema), with their defaults. A node's type comes from an attribute
named type/kind/category; without one it is an Other entity. yEd keeps a node's visible
label in its graphics payload: it is read as the label. Maltego's `mtg:` payloads are the
`maltego` importer's business.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

from importers.base import ReadOptions, Row, Unreadable
from importers.graphrows import Item, graph_rows
from importers.xmlgraph import decode, local, parse

name = "graphml"
title = "GraphML graph"
description = "GraphML graphs (networkx, yEd, Cytoscape): nodes, edges, attributes"
version = "1"
patterns = ("*.graphml", "*.xml")

MALTEGO_NS = "maltego.paterva.com"


def sniff(path: Path, head: bytes) -> float:
    text = decode(head[:8192]).decode("utf-8", errors="ignore")
    if "<graphml" not in text:
        return 0.4 if path.suffix.lower() == ".graphml" else 0.0
    return 0.5 if MALTEGO_NS in text else 0.9


class Keys:
    """GraphML `<key>` declarations: id -> (attribute name, default)."""

    def __init__(self, root: Element) -> None:
        self.names: dict[str, str] = {}
        self.defaults: dict[str, list[tuple[str, str]]] = {"node": [], "edge": []}
        for key in root.iter():
            if local(key.tag) != "key" or not key.get("id"):
                continue
            attr = key.get("attr.name") or key.get("id") or ""
            self.names[key.get("id", "")] = attr
            for child in key:
                if local(child.tag) == "default" and (child.text or "").strip():
                    for kind in ("node", "edge"):
                        if key.get("for", "all") in (kind, "all"):
                            self.defaults[kind].append((attr, child.text or ""))

    def attrs(self, el: Element, kind: str) -> tuple[list[tuple[str, str]], str]:
        """The element's attributes (defaults filled in) and a label from a graphics payload."""
        found: dict[str, str] = {}
        label = ""
        for data in el:
            if local(data.tag) != "data":
                continue
            if len(data):  # a structured payload (yEd graphics): only its label matters
                for sub in data.iter():
                    if local(sub.tag) == "NodeLabel" and (sub.text or "").strip() and not label:
                        label = (sub.text or "").strip()
                continue
            key = data.get("key", "")
            found[self.names.get(key, key)] = data.text or ""
        for attr, value in self.defaults[kind]:
            found.setdefault(attr, value)
        return [(k, v) for k, v in found.items() if v.strip()], label


def items(root: Element) -> tuple[list[Item], list[Item]]:
    graphs = [g for g in root.iter() if local(g.tag) == "graph"]
    if not graphs:
        raise Unreadable("it is GraphML with no graph in it, so there is nothing to import")
    keys = Keys(root)
    nodes: list[Item] = []
    edges: list[Item] = []
    for graph in graphs:
        for el in graph:
            tag = local(el.tag)
            if tag == "node" and el.get("id") is not None:
                attrs, label = keys.attrs(el, "node")
                nid = el.get("id", "")
                nodes.append(Item(id=nid, attrs=attrs, label=label, locator=f"node {nid}"))
            elif tag == "edge":
                attrs, label = keys.attrs(el, "edge")
                ordinal = len(edges)
                eid = el.get("id") or f"#{ordinal + 1}"
                edges.append(
                    Item(
                        id=eid,
                        attrs=attrs,
                        label=label,
                        source=el.get("source", ""),
                        target=el.get("target", ""),
                        locator=f"edge {eid}",
                        raw=f"{el.get('source', '')} -> {el.get('target', '')}",
                    )
                )
    return nodes, edges


def read(path: Path, options: ReadOptions) -> Iterator[Row]:
    root = parse(path.read_bytes())
    if local(root.tag) != "graphml":
        raise Unreadable(f"it is XML but not GraphML (its root is <{local(root.tag)}>)")
    nodes, edges = items(root)
    if not nodes:
        raise Unreadable("its graph has no nodes, so there is nothing to import")
    yield from graph_rows(nodes, edges, "GraphML node", "GraphML edge")
    if options.progress:
        options.progress(1.0)
