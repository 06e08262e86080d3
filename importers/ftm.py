"""followthemoney entities (Aleph, OpenSanctions): JSON lines, a JSON array, or a delta file.

An FtM entity is `{"id", "schema", "properties": {name: [values]}}`; one id may come in
several fragments, which are merged. Legal entities, addresses, vehicles, accounts and
documents become entities (a schema we have no type for is kept as Other with its FtM
name); edge schemata (Ownership, Directorship, Family, ...) become links; Payment, Call
and Message become events. FtM has no phone or email entity, so `phone` and `email`
properties become Phone and Email entities that their owner uses.

Entities are yielded before the links and events that refer to them, whatever the
file's order, so a link never arrives before its ends.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from importers.base import (
    Draft,
    EntityDraft,
    EventDraft,
    LinkDraft,
    Props,
    ReadOptions,
    Row,
    Unreadable,
)
from importers.timeparse import parse_time
from importers.xmlgraph import OTHER_ENTITY, OTHER_LINK, place

name = "ftm"
title = "followthemoney entities (FtM)"
description = "followthemoney entities (Aleph, OpenSanctions): lines, arrays, deltas"
version = "1"
patterns = ("*.ftm.json", "*.jsonl", "*.json")

MAX_BYTES = 2 * 1024**3

# FtM schema -> (our type, FtM property -> our property).
NODES: dict[str, tuple[str, dict[str, str]]] = {
    "Person": (
        "Person",
        {
            "name": "name",
            "alias": "alias",
            "birthDate": "birth_date",
            "nationality": "nationality",
            "gender": "gender",
            "position": "occupation",
            "notes": "notes",
            "country": "country",
        },
    ),
    "Organization": (
        "Organization",
        {
            "name": "name",
            "registrationNumber": "registration_number",
            "website": "website",
            "address": "address",
            "country": "country",
            "notes": "notes",
        },
    ),
    "Address": (
        "Address",
        {
            "full": "full",
            "street": "street",
            "city": "city",
            "region": "region",
            "postalCode": "postal_code",
            "country": "country",
        },
    ),
    "Vehicle": ("Vehicle", {"registrationNumber": "plate", "model": "model", "name": "name"}),
    "BankAccount": (
        "Account",
        {
            "accountNumber": "number",
            "iban": "number",
            "bankName": "institution",
            "currency": "currency",
        },
    ),
    "CryptoWallet": ("Account", {"publicKey": "number", "currency": "currency"}),
    "Passport": (
        "IdentityDocument",
        {
            "number": "number",
            "passportNumber": "number",
            "country": "issuer",
            "startDate": "issued",
            "endDate": "expires",
        },
    ),
    "Identification": (
        "IdentityDocument",
        {"number": "number", "country": "issuer", "startDate": "issued", "endDate": "expires"},
    ),
    "UserAccount": ("Handle", {"username": "handle", "service": "platform"}),
}
for _alias in ("Company", "LegalEntity", "PublicBody"):
    NODES[_alias] = ("Organization", NODES["Organization"][1])
# Who holds an identifier-like entity: a link from them to it.
HOLDERS = {
    "Passport": "holder",
    "Identification": "holder",
    "UserAccount": "owner",
    "BankAccount": "holder",
    "CryptoWallet": "holder",
}
# FtM edge schema -> (our link type, source property, target property).
EDGES = {
    "Ownership": ("owns", "owner", "asset"),
    "Directorship": ("controls", "director", "organization"),
    "Employment": ("employs", "employer", "employee"),
    "Membership": ("associate", "member", "organization"),
    "Family": ("family", "person", "relative"),
    "Associate": ("associate", "person", "associate"),
    "UnknownLink": (OTHER_LINK, "subject", "object"),
    "Representation": (OTHER_LINK, "agent", "client"),
    "Succession": (OTHER_LINK, "predecessor", "successor"),
    "Debt": (OTHER_LINK, "debtor", "creditor"),
    "Occupancy": (OTHER_LINK, "holder", "post"),
    "Documentation": ("mentioned_in", "entity", "document"),
    "Payment": (OTHER_LINK, "payer", "beneficiary"),
}
EVENTS = {
    "Event": ("Meeting", (("involved", "participant"), ("organizer", "participant"))),
    "Call": ("Call", (("caller", "caller"), ("receiver", "callee"))),
    "Message": ("Message", (("sender", "sender"), ("recipients", "recipient"))),
    "Payment": ("Transaction", (("payer", "account"), ("beneficiary", "counterparty"))),
}


@dataclass
class Entity:
    id: str
    schema: str
    line: int
    props: dict[str, list[str]] = field(default_factory=dict)


def sniff(path: Path, head: bytes) -> float:
    text = head[:8192].decode("utf-8", errors="ignore").lstrip()
    if not text.startswith(("{", "[")):
        return 0.0
    if '"schema"' in text and '"properties"' in text:
        return 0.9 if '"id"' in text else 0.6
    return 0.0


def _load(path: Path) -> tuple[dict[str, Entity], list[Row]]:
    """Every entity, fragments merged, and rows for lines that cannot be read."""
    if path.stat().st_size > MAX_BYTES:
        raise Unreadable("it is larger than the 2 GiB Threadline reads as one FtM file")
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    stripped = text.lstrip()
    records: list[tuple[int, Any]] = []
    bad: list[Row] = []
    if stripped.startswith("["):
        try:
            loaded = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise Unreadable(
                f"its JSON is damaged at line {exc.lineno}, column {exc.colno}"
            ) from None
        records = [(i + 1, r) for i, r in enumerate(loaded)]
    else:
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                records.append((number, json.loads(line)))
            except json.JSONDecodeError:
                bad.append(
                    Row(locator=f"line {number}", problem="not a JSON object", raw=line[:500])
                )
    entities: dict[str, Entity] = {}
    for number, record in records:
        where = f"line {number}" if not stripped.startswith("[") else f"item {number}"
        op = record.get("op") if isinstance(record, dict) else None
        if isinstance(op, str) and isinstance(record.get("entity"), dict):
            if op.upper() == "DEL":
                gone = entities.pop(str(record["entity"].get("id")), None)
                if gone is not None:
                    bad.append(
                        Row(locator=f"line {gone.line}", problem=f"deleted by the delta at {where}")
                    )
                continue
            record = record["entity"]
        if not isinstance(record, dict) or not record.get("id") or not record.get("schema"):
            bad.append(
                Row(
                    locator=where,
                    problem="not an FtM entity (needs id and schema)",
                    raw=json.dumps(record)[:500],
                )
            )
            continue
        ent = entities.setdefault(
            str(record["id"]), Entity(str(record["id"]), str(record["schema"]), number)
        )
        for key, values in (record.get("properties") or {}).items():
            for value in values if isinstance(values, list) else [values]:
                text = str(value) if isinstance(value, (str, int, float)) else ""
                kept = ent.props.setdefault(key, [])
                if text.strip() and text not in kept:
                    kept.append(text)
    if not entities and not bad:
        raise Unreadable("it holds no FtM entities, so there is nothing to import")
    return entities, bad


def _key(entity_id: str) -> str:
    return f"ftm {entity_id}"


def _first(ent: Entity, *names: str) -> str:
    for n in names:
        if ent.props.get(n):
            return ent.props[n][0]
    return ""


def _bare_identifier(ent: Entity) -> Row | None:
    """A LegalEntity that is only a phone number or email (how FtM keeps one nobody owns)."""
    if ent.schema != "LegalEntity":
        return None
    for prop, kind, field_name in (("phone", "Phone", "number"), ("email", "Email", "address")):
        found = ent.props.get(prop, [])
        if len(found) == 1 and ent.props.get("name", [""])[0] in (found[0], ""):
            draft = EntityDraft(type=kind, key=_key(ent.id), properties={field_name: found[0]})
            return Row(locator=f"entity {ent.id}", drafts=[draft])
    return None


def _node(ent: Entity) -> Row:
    bare = _bare_identifier(ent)
    if bare is not None:
        return bare
    ours, mapping = NODES.get(ent.schema, (OTHER_ENTITY, {"name": "name", "title": "name"}))
    label = _first(ent, "name", "title", "full", "registrationNumber", "accountNumber", "iban",
                   "number", "username", "fileName") or ent.id  # fmt: skip
    props: Props = {}
    lines: list[str] = []
    if ours == OTHER_ENTITY:
        props["original_type"] = ent.schema
    attrs: list[tuple[str, str]] = []
    for key, values in ent.props.items():
        if key in ("phone", "email") or (key in HOLDERS.values() and ours != "Person"):
            continue
        target = mapping.get(key)
        for value in values:
            if target:
                attrs.append((target, value))
            elif len(value) < 2000:
                lines.append(f"{key}: {value}")
    if ent.schema in ("Address",) and ent.props.get("latitude") and ent.props.get("longitude"):
        attrs.append(("coordinates", f"{ent.props['latitude'][0]}, {ent.props['longitude'][0]}"))
    place(ours, attrs, props, lines)
    for name_key in ("number", "plate", "handle"):
        several = props.get(name_key)
        if isinstance(several, list):  # one identifier per entity; keep the rest as notes
            first, *rest = several
            props[name_key] = first
            lines += [f"{name_key}: {r}" for r in rest]
    lines.append(f"FtM id: {ent.id}")
    props["notes"] = "\n".join(lines)
    drafts: list[Draft] = [EntityDraft(type=ours, key=_key(ent.id), label=label, properties=props)]
    for prop, kind, field_name in (("phone", "Phone", "number"), ("email", "Email", "address")):
        for value in ent.props.get(prop, []):
            drafts.append(
                EntityDraft(type=kind, key=f"{kind} {value}", properties={field_name: value})
            )
            drafts.append(
                LinkDraft(
                    type="uses",
                    key=f"{ent.id} uses {value}",
                    source=_key(ent.id),
                    target=f"{kind} {value}",
                )
            )
    return Row(locator=f"entity {ent.id}", drafts=drafts)


def _holder_links(ent: Entity, known: dict[str, Entity]) -> list[Row]:
    prop = HOLDERS.get(ent.schema)
    rows = []
    for holder in ent.props.get(prop or "", []):
        if holder in known:
            link = LinkDraft(
                type="owns",
                key=f"{holder} holds {ent.id}",
                source=_key(holder),
                target=_key(ent.id),
            )
            rows.append(Row(locator=f"entity {ent.id} {prop} {holder}", drafts=[link]))
    return rows


def _when(ent: Entity, tz: str, lines: list[str], *names: str) -> str | None:
    raw = _first(ent, *names)
    if not raw:
        return None
    try:
        return parse_time(raw, tz)
    except ValueError:
        lines.append(f"date: {raw}")
        return None


def _edge(ent: Entity, tz: str) -> Row:
    ours, src_prop, dst_prop = EDGES[ent.schema]
    sources, targets = ent.props.get(src_prop, []), ent.props.get(dst_prop, [])
    if not sources or not targets:
        return Row(
            locator=f"entity {ent.id}", problem=f"a {ent.schema} without {src_prop} and {dst_prop}"
        )
    props: Props = {}
    lines = [
        f"{k}: {v}"
        for k in (
            "relationship",
            "role",
            "summary",
            "description",
            "ownershipType",
            "percentage",
            "sharesCount",
            "purpose",
        )
        for v in ent.props.get(k, [])
    ]
    if ours == OTHER_LINK:
        props["original_type"] = ent.schema
    start = _first(ent, "startDate", "date")
    if start:
        place(ours, [("date", start)], props, lines)
    if ent.props.get("endDate"):
        lines.append(f"until {ent.props['endDate'][0]}")
    lines.append(f"FtM id: {ent.id}")
    props["notes" if ours == OTHER_LINK else "description"] = "\n".join(lines)
    drafts: list[Draft] = [
        LinkDraft(
            type=ours,
            key=f"{ent.id} {s} {t}",
            source=_key(s),
            target=_key(t),
            properties=dict(props),
            label=_first(ent, "relationship", "role"),
        )
        for s in sources
        for t in targets
    ]
    return Row(locator=f"entity {ent.id}", drafts=drafts)


def _event(ent: Entity, tz: str, known: dict[str, Entity]) -> Row:
    ours, roles = EVENTS[ent.schema]
    lines: list[str] = []
    drafts: list[Draft] = []
    participants = []
    for prop, role in roles:
        for value in ent.props.get(prop, []):
            if value in known:
                participants.append((role, _key(value)))
            else:
                lines.append(f"{prop}: {value} (not in this file)")
    for prop, role in (("callerNumber", "caller"), ("receiverNumber", "callee")):
        for number in ent.props.get(prop, []):
            drafts.append(
                EntityDraft(type="Phone", key=f"Phone {number}", properties={"number": number})
            )
            participants.append((role, f"Phone {number}"))
    props: Props = {}
    attrs = [("duration_s", d) for d in ent.props.get("duration", [])]
    attrs += [("body", b) for b in ent.props.get("bodyText", [])[:1]]
    attrs += [("amount", a) for a in ent.props.get("amount", [])[:1]]
    attrs += [("currency", c) for c in ent.props.get("currency", [])[:1]]
    attrs += [("memo", p) for p in ent.props.get("purpose", [])[:1]]
    attrs += [("summary", p) for p in ent.props.get("summary", [])[:1]]
    place(ours, attrs, props, lines)
    lines.append(f"FtM id: {ent.id}")
    props["description"] = "\n".join(lines)
    start = _when(ent, tz, lines, "date", "startDate")
    end = _when(ent, tz, lines, "endDate")
    drafts.append(
        EventDraft(
            type=ours,
            key=ent.id,
            start=start,
            end=end,
            participants=participants,
            properties=props,
            label=_first(ent, "subject", "name", "purpose") or ours,
        )
    )
    return Row(locator=f"entity {ent.id}", drafts=drafts)


def read(path: Path, options: ReadOptions) -> Iterator[Row]:
    entities, bad = _load(path)
    yield from bad
    later: list[Entity] = []
    for ent in entities.values():
        if ent.schema in EVENTS or ent.schema in EDGES:
            later.append(ent)
        else:
            yield _node(ent)
    for ent in entities.values():
        yield from _holder_links(ent, entities)
    for ent in later:
        if ent.schema == "Payment" and not (ent.props.get("amount") and ent.props.get("currency")):
            yield _edge(ent, options.time_zone)  # a payment with no amount is a relationship
        elif ent.schema in EVENTS:
            yield _event(ent, options.time_zone, entities)
        else:
            yield _edge(ent, options.time_zone)
    if options.progress:
        options.progress(1.0)
