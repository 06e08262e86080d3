"""followthemoney JSON lines that the followthemoney package validates entity by entity.

FtM has no phone or email entity: a Phone or Email becomes the `phone`/`email` property
of whoever it is linked to (a number nobody is linked to becomes a LegalEntity named by
it, so it is not lost). Links become FtM edge entities where one fits (Ownership,
Employment, Directorship, Family, Associate) and UnknownLink otherwise. Calls, messages
and payments become Call, Message and Payment; other events (and a message or payment
FtM would refuse as incomplete) become Event. Types FtM has nothing for (devices, ads,
cell sites, Other) are not written, and the summary counts them.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from analyst_app.exchange.snapshot import Snapshot
from analyst_app.model import Event, Link, values

NODE_SCHEMA = {
    "Person": "Person",
    "Organization": "Organization",
    "Address": "Address",
    "Account": "BankAccount",
    "Vehicle": "Vehicle",
    "IdentityDocument": "Identification",
    "Handle": "UserAccount",
}
# our property -> FtM property, per FtM schema
NODE_PROPS: dict[str, dict[str, str]] = {
    "Person": {
        "name": "name",
        "alias": "alias",
        "birth_date": "birthDate",
        "nationality": "nationality",
        "gender": "gender",
        "country": "country",
        "occupation": "position",
        "notes": "notes",
        "description": "description",
    },
    "Organization": {
        "name": "name",
        "registration_number": "registrationNumber",
        "address": "address",
        "website": "website",
        "country": "country",
        "notes": "notes",
        "description": "description",
    },
    "Address": {
        "full": "full",
        "street": "street",
        "city": "city",
        "region": "region",
        "postal_code": "postalCode",
        "country": "country",
        "notes": "notes",
    },
    "BankAccount": {
        "number": "accountNumber",
        "institution": "bankName",
        "currency": "currency",
        "notes": "notes",
    },
    "Vehicle": {"plate": "registrationNumber", "model": "model", "notes": "notes"},
    "Identification": {
        "number": "number",
        "issuer": "country",
        "issued": "startDate",
        "expires": "endDate",
    },
    "UserAccount": {"handle": "username", "platform": "service", "notes": "notes"},
}
HOLDER = {"Identification": "holder", "UserAccount": "owner"}
LEGAL = ("Person", "Organization", "LegalEntity")
ASSETS = ("BankAccount", "Vehicle", "Organization")


def ftm_id(our_id: str) -> str:
    """FtM ids allow letters, digits, '.' and '-' only."""
    return re.sub(r"[^0-9A-Za-z.\-]+", "-", our_id).strip("-.") or "x"


def _date(value: str | None) -> str | None:
    if not value:
        return None
    return value.replace("Z", "").split("+")[0]


class _Writer:
    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap
        self.by_id = {e.id: e for e in snap.entities}
        self.schema_of: dict[str, str] = {}
        self.out: dict[str, dict[str, Any]] = {}
        self.skipped: Counter[str] = Counter()
        self.owner: dict[str, str] = {}  # phone/email/handle/document id -> legal entity id

    def emit(self, fid: str, schema: str, props: dict[str, list[str]]) -> None:
        clean = {k: sorted(set(v), key=v.index) for k, v in props.items() if v}
        self.out[fid] = {"id": fid, "schema": schema, "properties": clean}

    def owners(self) -> None:
        for link in self.snap.links:
            a, b = self.by_id.get(link.source_id), self.by_id.get(link.target_id)
            if a is None or b is None:
                continue
            for holder, held in ((a, b), (b, a)):
                if holder.type in ("Person", "Organization") and held.type in (
                    "Phone",
                    "Email",
                    "Handle",
                    "IdentityDocument",
                    "Account",
                ):
                    self.owner.setdefault(held.id or "", holder.id or "")

    def nodes(self) -> None:
        extra: dict[str, dict[str, list[str]]] = {}
        for entity in self.snap.entities:
            if entity.type in ("Phone", "Email"):
                key = "phone" if entity.type == "Phone" else "email"
                value = values(entity.properties.get("number" if key == "phone" else "address"))
                holder = self.owner.get(entity.id or "")
                if holder:
                    extra.setdefault(holder, {}).setdefault(key, []).extend(value)
                else:
                    fid = ftm_id(entity.id or "")
                    self.schema_of[entity.id or ""] = "LegalEntity"
                    self.emit(
                        fid,
                        "LegalEntity",
                        {
                            "name": [entity.label],
                            key: value,
                            "notes": [f"a {key} number or address with no known owner"],
                        },
                    )
        for entity in self.snap.entities:
            schema = NODE_SCHEMA.get(entity.type)
            if schema is None:
                if entity.type not in ("Phone", "Email"):
                    self.skipped[entity.type] += 1
                continue
            props: dict[str, list[str]] = {}
            for ours, theirs in NODE_PROPS[schema].items():
                props.setdefault(theirs, []).extend(values(entity.properties.get(ours)))
            if schema in LEGAL or schema in ("Vehicle",):
                props.setdefault("name", [])
                if entity.label not in props["name"]:
                    props["name"].insert(0, entity.label)
            if schema == "Address" and not props.get("full"):
                props["full"] = [entity.label]
            coords = values(entity.properties.get("coordinates"))
            if schema == "Address" and coords and "," in coords[0]:
                lat, lon = coords[0].split(",", 1)
                props["latitude"], props["longitude"] = [lat.strip()], [lon.strip()]
            for key, more in extra.get(entity.id or "", {}).items():
                props.setdefault(key, []).extend(more)
            if schema in HOLDER:
                holder = self.owner.get(entity.id or "")
                if holder is None and schema == "Identification":
                    self.skipped["IdentityDocument without a holder"] += 1
                    continue
                if holder:
                    props[HOLDER[schema]] = [ftm_id(holder)]
            self.schema_of[entity.id or ""] = schema
            self.emit(ftm_id(entity.id or ""), schema, props)

    def link(self, link: Link) -> None:
        a, b = self.schema_of.get(link.source_id), self.schema_of.get(link.target_id)
        if a is None or b is None:
            if self.owner.get(link.target_id) == link.source_id or (
                self.owner.get(link.source_id) == link.target_id
            ):
                return  # written as a property of its holder
            self.skipped[f"{link.type} link to an entity FtM has no type for"] += 1
            return
        src, dst = ftm_id(link.source_id), ftm_id(link.target_id)
        common: dict[str, list[str]] = {}
        starts = values(link.properties.get("start"))
        day = _date(starts[0]) if starts else None
        day = day or next(iter(values(link.properties.get("date"))), None)
        if day:
            common["startDate"] = [day]
        text = values(link.properties.get("description")) + values(link.properties.get("notes"))
        if text:
            common["description"] = text
        rules = {
            "owns": ("Ownership", "owner", "asset", a in LEGAL and b in ASSETS),
            "employs": ("Employment", "employer", "employee", a in LEGAL and b == "Person"),
            "works_at": ("Employment", "employee", "employer", a == "Person" and b in LEGAL),
            "family": ("Family", "person", "relative", a == b == "Person"),
            "associate": ("Associate", "person", "associate", a == b == "Person"),
            "controls": (
                "Directorship",
                "director",
                "organization",
                a in LEGAL and b == "Organization",
            ),
        }
        schema, s_prop, t_prop, fits = rules.get(link.type, ("", "", "", False))
        if not fits:
            schema, s_prop, t_prop = "UnknownLink", "subject", "object"
            common["role"] = [link.label or str(link.properties.get("original_type") or link.type)]
        elif link.label:
            common["summary"] = [link.label]
        self.emit(ftm_id(link.id or ""), schema, {s_prop: [src], t_prop: [dst], **common})

    def event(self, event: Event) -> None:
        sides: dict[str, list[str]] = {}
        numbers: dict[str, list[str]] = {}
        accounts: dict[str, list[str]] = {}
        for role, eid in event.participants:
            entity = self.by_id.get(eid)
            if entity is None:
                continue
            if entity.type == "Phone":
                numbers.setdefault(role, []).extend(values(entity.properties.get("number")))
                eid = self.owner.get(eid, "")
            elif entity.type == "Account":
                accounts.setdefault(role, []).append(ftm_id(eid))
                eid = self.owner.get(eid, "")
            if self.schema_of.get(eid) in LEGAL:
                sides.setdefault(role, []).append(ftm_id(eid))
        props: dict[str, list[str]] = {"date": [d for d in [_date(event.start)] if d]}
        end = _date(event.end)
        if end:
            props["endDate"] = [end]
        p = event.properties
        fid = ftm_id(event.id or "")
        if event.type == "Call":
            props.update(
                caller=sides.get("caller", []),
                receiver=sides.get("callee", []),
                callerNumber=numbers.get("caller", []),
                receiverNumber=numbers.get("callee", []),
                duration=values(p.get("duration_s")),
            )
            self.emit(fid, "Call", props)
            return
        senders = sides.get("sender", [])
        if event.type == "Message" and senders and p.get("body"):
            props.update(
                sender=senders[:1],
                recipients=sides.get("recipient", []),
                bodyText=values(p.get("body")),
            )
            self.emit(fid, "Message", props)
            return
        payer, payee = (
            sides.get("account", []) + sides.get("depositor", []),
            sides.get("counterparty", []) + sides.get("merchant", []),
        )
        if event.type == "Transaction" and payer and payee:
            if p.get("direction") == "credit":
                payer, payee = payee, payer
            mine, theirs = accounts.get("account", []), accounts.get("counterparty", [])
            if p.get("direction") == "credit":
                mine, theirs = theirs, mine
            props.update(
                payer=payer[:1],
                beneficiary=payee[:1],
                amount=values(p.get("amount")),
                currency=values(p.get("currency")),
                purpose=values(p.get("memo")),
                payerAccount=mine[:1],
                beneficiaryAccount=theirs[:1],
            )
            self.emit(fid, "Payment", props)
            return
        involved = [x for side in sides.values() for x in side]
        props.update(
            name=[event.label or event.type],
            involved=involved,
            summary=values(p.get("description")) or values(p.get("body")),
        )
        self.emit(fid, "Event", props)


def write_ftm(snap: Snapshot, out: Path) -> dict[str, int]:
    """Write JSON lines; return what could not be written, by kind, for the summary."""
    writer = _Writer(snap)
    writer.owners()
    writer.nodes()
    for link in snap.links:
        writer.link(link)
    for event in snap.events:
        writer.event(event)
    with out.open("w", encoding="utf-8") as handle:
        for record in writer.out.values():
            handle.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
    return dict(writer.skipped)
