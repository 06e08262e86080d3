"""Maltego graphs: GraphML with `mtg:` payloads, bare or inside a classic .mtgx zip.

networkx drops the payloads, which hold everything: the entity type (`maltego.Person`),
its properties (`person.fullname`) and the link type. Types are mapped to ours; the rest
(domains, hashes, IP addresses...) are kept as Other entities with their Maltego type.
Maltego 4.3 and later save a graph as a Lucene index inside the .mtgx, which no one but
Maltego can read: the analyst is told to export it as GraphML from Maltego instead.
An .mtz is an entity-definition archive, not a graph: it is refused with that sentence.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

from importers.base import LinkDraft, Props, ReadOptions, Row, Unreadable
from importers.timeparse import parse_time
from importers.xmlgraph import (
    OTHER_LINK,
    decode,
    entity_draft,
    link_type,
    local,
    parse,
    place,
)

name = "maltego"
title = "Maltego graph (.mtgx, GraphML)"
description = "Maltego graphs (.mtgx, GraphML): entity and link types, properties"
version = "1"
patterns = ("*.mtgx", "*.graphml")

NAMESPACE = "maltego.paterva.com"
MAX_GRAPH_BYTES = 512 * 1024**2

# Maltego property -> (our property name); the entity's label is its main property.
PROPERTY_MAP = {
    "person.fullname": "name",
    "phonenumber": "number",
    "email": "address",
    "alias": "handle",
    "affiliation.uid": "handle",
    "title": "name",
    "location.name": "full",
    "streetaddress": "street",
    "city": "city",
    "countrycode": "country",
    "url": "url",
}
TYPE_MAP = {
    "maltego.Person": "Person",
    "maltego.PhoneNumber": "Phone",
    "maltego.EmailAddress": "Email",
    "maltego.Location": "Address",
    "maltego.Organization": "Organization",
    "maltego.Company": "Organization",
    "maltego.Alias": "Handle",
    "maltego.Device": "Device",
}


def sniff(path: Path, head: bytes) -> float:
    suffix = path.suffix.lower()
    if head.startswith(b"PK"):
        return 0.95 if suffix in (".mtgx", ".mtz") else 0.0
    if suffix in (".mtgx", ".mtz"):
        return 0.9
    text = decode(head[:8192]).decode("utf-8", errors="ignore")
    return 0.95 if "<graphml" in text and NAMESPACE in text else 0.0


def _graph_bytes(path: Path) -> bytes:
    with path.open("rb") as handle:
        magic = handle.read(4)
    if not magic.startswith(b"PK"):
        if path.suffix.lower() in (".mtgx", ".mtz"):
            raise Unreadable(f"it is not a Maltego archive: a {path.suffix} is a zip file")
        return path.read_bytes()
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            graphs = [i for i in infos if i.filename.lower().endswith(".graphml")]
            if not graphs:
                names = [i.filename.replace("\\", "/") for i in infos]
                if any(n.startswith("Graphs/") for n in names):
                    raise Unreadable(
                        "it is a Maltego 4.3 or later graph, stored as a Lucene index that only "
                        "Maltego can read; open it in Maltego and export it as GraphML"
                    )
                if any(n.startswith(("Entities/", "EntityCategories/")) for n in names):
                    raise Unreadable(
                        "it is a Maltego entity-definition archive (.mtz) with no graph in it"
                    )
                raise Unreadable("it is a zip archive with no Maltego graph in it")
            graph = graphs[0]
            if graph.file_size > MAX_GRAPH_BYTES:
                raise Unreadable(
                    "its graph would unpack to more than 512 MiB; it may be a zip bomb"
                )
            with archive.open(graph) as stream:
                data = stream.read(MAX_GRAPH_BYTES + 1)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as exc:
        raise Unreadable(f"it is a damaged or protected zip archive ({exc})") from None
    if len(data) > MAX_GRAPH_BYTES:
        raise Unreadable("its graph unpacks to more than 512 MiB; it may be a zip bomb")
    return data


def _payload(el: Element, tag: str) -> Element | None:
    for sub in el.iter():
        if local(sub.tag) == tag:
            return sub
    return None


def _properties(payload: Element) -> list[tuple[str, str, str]]:
    """(name, display name, value) of each property with a value."""
    out = []
    for prop in payload.iter():
        if local(prop.tag) != "Property":
            continue
        value = next((v.text or "" for v in prop if local(v.tag) == "Value"), "")
        if value.strip():
            out.append((prop.get("name", ""), prop.get("displayName", ""), value.strip()))
    return out


def _entity(node: Element, key: str) -> Row:
    payload = _payload(node, "MaltegoEntity")
    if payload is None:
        return Row(locator="", problem="the node has no Maltego entity in it")
    mtype = payload.get("type", "")
    props = _properties(payload)
    if not props:
        return Row(locator="", problem=f"the {mtype or 'Maltego'} entity has no properties")
    ours = TYPE_MAP.get(mtype, mtype)
    lat = next((v for n, _, v in props if n == "latitude"), "")
    lon = next((v for n, _, v in props if n == "longitude"), "")
    attrs: list[tuple[str, str]] = []
    notes = [f"Maltego type: {mtype}"] if ours == mtype else []
    for pname, display, value in props:
        if pname in ("latitude", "longitude"):
            continue
        attrs.append((PROPERTY_MAP.get(pname, display or pname), value))
    if lat and lon and (float_or_zero(lat), float_or_zero(lon)) != (0.0, 0.0):
        attrs.append(("coordinates", f"{lat}, {lon}"))
    label = props[0][2]
    draft = entity_draft(ours, key, label, attrs, notes=notes)
    if draft.type == "Other":
        draft.properties["original_type"] = mtype
    return Row(locator="", drafts=[draft])


def float_or_zero(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 0.0


def _link(edge: Element, nodes: set[str], time_zone: str) -> Row:
    source, target = edge.get("source", ""), edge.get("target", "")
    for end in (source, target):
        if end not in nodes:
            return Row(locator="", problem=f"its end {end!r} is not an entity of this graph")
    payload = _payload(edge, "MaltegoLink")
    mtype = payload.get("type", "") if payload is not None else ""
    values = {n: v for n, _, v in (_properties(payload) if payload is not None else [])}
    label = values.get("maltego.link.manual.type") or values.get("maltego.link.label", "")
    ours = link_type(label) if label else OTHER_LINK
    props: Props = {}
    lines = []
    if ours == OTHER_LINK:
        props["original_type"] = label or mtype or "Maltego link"
    if values.get("maltego.link.manual.description"):
        lines.append(values["maltego.link.manual.description"])
    if values.get("maltego.link.transform.display-name"):
        lines.append(f"Found by transform: {values['maltego.link.transform.display-name']}")
    run = values.get("maltego.link.transform.run-date", "")
    if run:
        try:
            props["start"] = parse_time(run.replace(" +", "+").replace(" -", "-"), time_zone)
        except ValueError:
            lines.append(f"Transform run: {run}")
    if mtype:
        lines.append(f"Maltego link type: {mtype}")
    weight = next((w.text for w in edge.iter() if local(w.tag) == "Weight"), None)
    if weight and weight.strip():
        place(ours, [("weight", weight.strip())], props, lines)
    if lines:
        props["notes" if ours == OTHER_LINK else "description"] = "\n".join(lines)
    draft = LinkDraft(
        type=ours,
        key=f"edge {edge.get('id') or source + '->' + target}",
        source=f"node {source}",
        target=f"node {target}",
        label=label,
        properties=props,
        status="confirmed" if mtype.endswith("manual-link") else "unconfirmed",
    )
    return Row(locator="", drafts=[draft])


def read(path: Path, options: ReadOptions) -> Iterator[Row]:
    root = parse(_graph_bytes(path))
    if local(root.tag) != "graphml":
        raise Unreadable(f"it is XML but not a Maltego graph (its root is <{local(root.tag)}>)")
    graphs = [g for g in root.iter() if local(g.tag) == "graph"]
    if not graphs:
        raise Unreadable("it is a Maltego file with no graph in it, so there is nothing to import")
    nodes = [n for g in graphs for n in g if local(n.tag) == "node"]
    edges = [e for g in graphs for e in g if local(e.tag) == "edge"]
    if not nodes:
        raise Unreadable("its graph has no entities, so there is nothing to import")
    ids = {n.get("id", "") for n in nodes}
    for node in nodes:
        row = _entity(node, f"node {node.get('id', '')}")
        row.locator = f"node {node.get('id', '')}"
        if row.problem:
            row.raw = node.get("id", "")
        yield row
    for ordinal, edge in enumerate(edges):
        row = _link(edge, ids, options.time_zone)
        row.locator = f"edge {edge.get('id') or ordinal + 1}"
        if row.problem:
            row.raw = f"{edge.get('source', '')} -> {edge.get('target', '')}"
        yield row
    if options.progress:
        options.progress(1.0)
