"""i2 ANX: the chart Analyst's Notebook opens, in UTF-16 with a BOM as i2 writes it.

Entity types use i2's standard names and icons (Person, Organisation, Telephone, ...), so
i2 draws them with its own symbols; properties are attributes named as in Threadline,
so the `anx` importer reads them back as the same properties. Grades are indexes into
GradeOne/GradeTwo lists holding the case scheme's words; the first source a record came
from is its SourceReference ("file locator") and SourceType (the importer). i2 has no
event item: an event is written as a dated link between its first two entities, with
its type and every participant's role in attributes, which the importer reads back.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from xml.etree.ElementTree import Element, SubElement, tostring

from analyst_app.exchange.snapshot import Snapshot
from analyst_app.model import Record, values
from analyst_app.schema.grading import grading_schemes
from analyst_app.schema.loader import Schema
from importers.timeparse import zone

# Our type -> (i2 entity type name, i2 icon file).
I2_TYPES = {
    "Person": ("Person", "Person"),
    "Organization": ("Organisation", "Organisation"),
    "Phone": ("Telephone", "Phone"),
    "Email": ("Email Address", "Email"),
    "Account": ("Bank Account", "Account"),
    "Address": ("Address", "House"),
    "Vehicle": ("Vehicle", "Car"),
    "Handle": ("Social Media Account", "Internet"),
    "Device": ("Device", "Mobile Phone"),
    "OnlineAd": ("Online Ad", "Web Page"),
    "IdentityDocument": ("Identity Document", "Passport"),
    "CellSite": ("Cell Site", "Radio Mast"),
    "Subscriber": ("Subscriber", "Phone"),
}
STRENGTHS = (
    ("Confirmed", "DotStyleSolid"),
    ("Unconfirmed", "DotStyleDashed"),
    ("Suspected", "DotStyleDotted"),
)
# Reserved attribute classes the importer reads back into record fields.
ROLE, STATUS, HANDLING = "Role", "Status", "Handling code"
TIME_ZONE = "Time zone"
EVENT, PARTICIPANTS, END = "Threadline event", "Participants", "End time"


def _local_time(value: str, tz: str) -> str:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(zone(tz))
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000")


class _Writer:
    def __init__(self, snap: Snapshot, schema: Schema) -> None:
        self.snap, self.schema = snap, schema
        self.scheme = grading_schemes().get(snap.grading) or grading_schemes()["admiralty"]
        self.root = Element("Chart", Rigorous="true", IdReferenceLinking="false")
        self.classes: dict[str, None] = {}
        self.entity_types: dict[str, str] = {}
        self.link_types: dict[str, None] = {}
        self.next_id = 1
        self.unwritten = 0  # events with fewer than two entities on the chart

    def ident(self) -> str:
        self.next_id += 1
        return f"ID{self.next_id}"

    def header(self) -> None:
        SubElement(self.root, "ApplicationVersion", Major="9", Minor="0", Point="0", Build="0")
        strengths = SubElement(self.root, "StrengthCollection")
        for name, dots in STRENGTHS:
            SubElement(strengths, "Strength", Id=self.ident(), Name=name, DotStyle=dots)
        for section, table in (
            ("GradeOne", self.scheme.source),
            ("GradeTwo", self.scheme.information),
        ):
            strings = SubElement(SubElement(self.root, section), "StringCollection")
            for text in table.values():
                SubElement(strings, "String", Id=self.ident(), Text=text)

    def common(self, item: Element, record: Record) -> None:
        if record.source_grade in self.scheme.source:
            item.set("GradeOneIndex", str(list(self.scheme.source).index(record.source_grade)))
        if record.info_grade in self.scheme.information:
            item.set("GradeTwoIndex", str(list(self.scheme.information).index(record.info_grade)))
        sources = self.snap.sources.get(record.id or "", [])
        if sources:
            item.set("SourceReference", f"{sources[0].file} {sources[0].locator}")
            item.set("SourceType", sources[0].importer)

    def attributes(self, item: Element, pairs: list[tuple[str, str]]) -> None:
        if not pairs:
            return
        block = SubElement(item, "AttributeCollection")
        for name, value in pairs:
            self.classes.setdefault(name)
            SubElement(block, "Attribute", AttributeClass=name, Value=value)

    def props(self, record: Record, skip: tuple[str, ...]) -> list[tuple[str, str]]:
        """(attribute class, value): named by the property's label, as i2 users read them."""
        typedef = self.schema.get(record.type)
        known = typedef.properties if typedef else {}
        return [
            (known[name].label if name in known else name, one)
            for name, value in record.properties.items()
            if name not in skip
            for one in values(value)
        ]

    def chart(self) -> bytes:
        self.header()
        items = Element("ChartItemCollection")
        numbers: dict[str, str] = {}
        for n, entity in enumerate(self.snap.entities, start=1):
            i2_type, icon = I2_TYPES.get(entity.type, ("", ""))
            if not i2_type:  # Other: the type it was read with, so it goes back the same
                i2_type = str(entity.properties.get("original_type") or entity.type)
                icon = "Question"
            self.entity_types.setdefault(i2_type, icon)
            numbers[entity.id or ""] = str(n)
            item = SubElement(items, "ChartItem", Id=self.ident(), Label=entity.label)
            notes = "\n".join(values(entity.properties.get("notes")))
            if notes:
                item.set("Description", notes)
            self.common(item, entity)
            end = SubElement(item, "End", X=str(200 * (n % 10)), Y=str(150 * (n // 10)))
            ent = SubElement(
                end, "Entity", EntityId=str(n), Identity=entity.id or "", LabelIsIdentity="false"
            )
            SubElement(SubElement(ent, "Icon"), "IconStyle", Type=i2_type)
            pairs = self.props(entity, ("notes", "original_type"))
            if entity.role:
                pairs.append((ROLE, entity.role))
            if entity.status != "unconfirmed":
                pairs.append((STATUS, entity.status))
            if entity.handling:
                pairs.append((HANDLING, entity.handling))
            self.attributes(item, pairs)
        for link in self.snap.links:
            if link.source_id not in numbers or link.target_id not in numbers:
                continue
            typedef = self.schema.get(link.type, "link")
            i2_type = str(
                link.properties.get("original_type") or (typedef.label if typedef else link.type)
            )
            self.link_types.setdefault(i2_type)
            item = SubElement(items, "ChartItem", Id=self.ident(), Label=link.label)
            text_prop = "notes" if link.type == "linked" else "description"
            text = "\n".join(values(link.properties.get(text_prop)))
            if text:
                item.set("Description", text)
            self.common(item, link)
            start, day = link.properties.get("start"), link.properties.get("date")
            skip = [text_prop, "original_type"]
            if isinstance(start, str):
                item.set("DateTime", _local_time(start, self.snap.time_zone))
                item.set("DateSet", "true")
                item.set("TimeSet", "true")
                skip.append("start")
            elif isinstance(day, str):
                item.set("DateTime", f"{day}T00:00:00.000")
                item.set("DateSet", "true")
                skip.append("date")
            el = SubElement(
                item, "Link", End1Id=numbers[link.source_id], End2Id=numbers[link.target_id]
            )
            directed = bool(typedef and typedef.edge and typedef.edge.directed)
            SubElement(
                el,
                "LinkStyle",
                Type=i2_type,
                Strength=link.status.capitalize(),
                ArrowStyle="ArrowOnHead" if directed else "ArrowNone",
            )
            pairs = self.props(link, tuple(skip))
            if link.handling:
                pairs.append((HANDLING, link.handling))
            self.attributes(item, pairs)
        self.events(items, numbers)
        self.declarations()
        self.root.append(items)
        body = tostring(self.root, encoding="unicode")
        return ('<?xml version="1.0" encoding="utf-16"?>\n' + body).encode("utf-16")

    def events(self, items: Element, numbers: dict[str, str]) -> None:
        """Each event as a dated link between its first two entities, as i2 users chart calls.

        The roles of every participant go in a `Participants` attribute by chart entity
        id, so the importer rebuilds the event; an event with fewer than two entities on
        the chart cannot be drawn as a link and is counted as not written.
        """
        for event in self.snap.events:
            ends = [(role, numbers[eid]) for role, eid in event.participants if eid in numbers]
            if len({n for _, n in ends}) < 2:
                self.unwritten += 1
                continue
            typedef = self.schema.get(event.type, "event")
            i2_type = typedef.label if typedef else event.type
            self.link_types.setdefault(i2_type)
            item = SubElement(items, "ChartItem", Id=self.ident(), Label=event.label)
            self.common(item, event)
            if event.start:
                item.set("DateTime", _local_time(event.start, self.snap.time_zone))
                item.set("DateSet", "true")
                item.set("TimeSet", "true")
            first = ends[0][1]
            second = next(n for _, n in ends if n != first)
            el = SubElement(item, "Link", End1Id=first, End2Id=second)
            SubElement(el, "LinkStyle", Type=i2_type, Strength=event.status.capitalize(),
                       ArrowStyle="ArrowOnHead")  # fmt: skip
            pairs = [(EVENT, event.type)]
            pairs.append((PARTICIPANTS, "; ".join(f"{role}={n}" for role, n in ends)))
            if event.end:
                pairs.append((END, _local_time(event.end, self.snap.time_zone)))
            pairs += self.props(event, ())
            if event.handling:
                pairs.append((HANDLING, event.handling))
            self.attributes(item, pairs)

    def declarations(self) -> None:
        classes = SubElement(self.root, "AttributeClassCollection")
        for name in self.classes:
            SubElement(
                classes,
                "AttributeClass",
                Id=self.ident(),
                Name=name,
                Type="AttText",
                IsUser="true",
                UserCanAdd="true",
                UserCanRemove="true",
                ShowValue="true",
            )
        types = SubElement(self.root, "EntityTypeCollection")
        for name, icon in self.entity_types.items():
            SubElement(
                types,
                "EntityType",
                Id=self.ident(),
                Name=name,
                IconFile=icon,
                PreferredRepresentation="RepresentAsIcon",
            )
        links = SubElement(self.root, "LinkTypeCollection")
        for name in self.link_types:
            SubElement(links, "LinkType", Id=self.ident(), Name=name, Colour="0")
        # i2 times have no zone: say which one they are in, for our importer and the reader.
        summary = SubElement(SubElement(self.root, "Summary"), "CustomPropertyCollection")
        SubElement(
            summary, "CustomProperty", Name=TIME_ZONE, Type="String", Value=self.snap.time_zone
        )


def write_anx(snap: Snapshot, schema: Schema, out: Path) -> int:
    """Write the chart; return how many events could not be drawn as links."""
    writer = _Writer(snap, schema)
    out.write_bytes(writer.chart())
    return writer.unwritten
