"""What the graph-exchange importers (ANX, GEXF, GraphML, Maltego) share.

Every file is parsed with defusedxml: charts come from other agencies and from suspects'
machines, so XML entities (billion laughs, external files) are refused with one sentence.
Text is decoded from the byte-order mark first, because i2 files declare UTF-16 and hold
UTF-8 (or the reverse) and expat believes the declaration.

Foreign types are mapped onto ours by name; a type we have no name for is kept as an
`Other` entity (or a `linked` link) carrying the original type name, never dropped.
Attributes that are properties of our type become properties; the rest are kept as
"Name: value" lines in the notes, as the other importers keep extra columns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from xml.etree.ElementTree import Element

from defusedxml.ElementTree import fromstring

from analyst_app.schema.loader import PropertyDef, TypeDef, default_schema
from importers.base import EntityDraft, Props, Unreadable
from importers.safexml import XML_FAILURES, refusal

OTHER_ENTITY = "Other"
OTHER_LINK = "linked"
MAX_XML_BYTES = 512 * 1024**2  # far above any chart an analyst hands over

_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*\?>", re.S)


def local(tag: str) -> str:
    """`{namespace}name` -> `name`: exchange files spell their namespaces many ways."""
    return tag.rsplit("}", 1)[-1]


def decode(data: bytes) -> bytes:
    """The document as UTF-8 bytes without its declaration, decoded by BOM, then by sniffing."""
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="replace")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    elif data[:2] == b"<\x00":
        text = data.decode("utf-16-le", errors="replace")
    elif data[:2] == b"\x00<":
        text = data.decode("utf-16-be", errors="replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    raw = text.encode("utf-8")
    # The declaration may name an encoding the bytes are not in; we have decoded already.
    return _DECLARATION.sub(b"", raw, count=1)


def parse(data: bytes) -> Element:
    """Parse a whole document safely; every failure is one sentence (Unreadable)."""
    if len(data) > MAX_XML_BYTES:
        raise Unreadable("it is larger than the 512 MiB Threadline reads as one XML document")
    if not data.strip():
        raise Unreadable("it is empty")
    try:
        root: Element = fromstring(decode(data), forbid_dtd=False)
        return root
    except XML_FAILURES as exc:
        raise Unreadable(refusal(exc)) from None


# -- types ------------------------------------------------------------------------------

ENTITY_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Person", ("person", "man", "woman", "adult", "child", "suspect", "victim", "individual")),
    ("Organization", ("organization", "organisation", "company", "business", "legalentity")),
    (
        "Phone",
        (
            "phone",
            "phonenumber",
            "mobile",
            "telephone",
            "cellphone",
            "msisdn",
            "mobilephone",
            "telephonenumber",
            "landline",
        ),
    ),
    ("Email", ("email", "emailaddress", "e-mail")),
    ("Account", ("account", "bankaccount", "bank account", "creditcard", "wallet")),
    ("Vehicle", ("vehicle", "car", "van", "truck", "lorry")),
    ("Address", ("address", "location", "house", "place", "building", "street")),
    ("Handle", ("handle", "alias", "socialmediaaccount", "useraccount", "twitter", "twit")),
    ("Device", ("device", "imei", "handset")),
    ("OnlineAd", ("onlinead", "advert", "advertisement", "ad")),
    ("IdentityDocument", ("identitydocument", "passport", "idcard", "identity document")),
    ("CellSite", ("cellsite", "celltower", "cell tower", "basestation")),
)

LINK_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("owns", ("owns", "owner", "owned by", "ownership", "own")),
    ("employs", ("employs", "employer", "employment", "employed")),
    ("works_at", ("works at", "works for", "works_at")),
    ("associate", ("associate", "associated with", "associated", "associate of", "knows")),
    ("family", ("family", "family of", "relative", "related", "married")),
    ("lives_at", ("lives at", "lives_at", "resides at", "address of")),
    ("uses", ("uses", "used by", "user of")),
    ("controls", ("controls", "recruited", "controls / recruited", "directorship", "director")),
    ("transported", ("transported", "drove", "transport")),
    ("posted", ("posted", "advertised")),
    ("mentioned_in", ("mentioned in", "mentioned_in", "mentioned")),
    ("same_as", ("same as", "same_as", "identical")),
)


def _fold(name: str) -> str:
    return re.sub(r"[\s_\-.]+", " ", name).strip().casefold()


def entity_type(name: str) -> str:
    """Our entity type for a foreign type name, or OTHER_ENTITY."""
    schema = default_schema()
    found = schema.get(name, "entity")
    if found is not None and not found.abstract:
        return found.name
    folded = _fold(name.rsplit(".", 1)[-1] if "." in name else name)
    squashed = folded.replace(" ", "")
    for ours, words in ENTITY_WORDS:
        if folded in words or squashed in words:
            return ours
    return OTHER_ENTITY


def link_type(name: str) -> str:
    schema = default_schema()
    found = schema.get(name, "link")
    if found is not None:
        return found.name
    folded = _fold(name)
    for ours, words in LINK_WORDS:
        if folded in words:
            return ours
    return OTHER_LINK


# Identifier types need their identifying value; these attribute names carry it.
_ID_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "Phone": ("number", "phone number", "phone", "telephone", "msisdn", "phonenumber"),
    "Email": ("address", "email", "email address", "emailaddress", "e-mail"),
    "Account": ("number", "account id", "account number", "account", "iban", "card number"),
    "Vehicle": ("plate", "license plate", "licence plate", "registration", "number plate"),
    "Device": ("imei",),
    "Handle": ("handle", "alias", "screen name", "username", "user name"),
    "IdentityDocument": ("number", "document number", "passport number"),
    "CellSite": ("cell_id", "cell id", "cgi"),
}
_LOOKS_RIGHT = {
    "Phone": re.compile(r"^\+?[\d\s().\-/]{5,}$"),
    "Email": re.compile(r"^[^@\s]+@[^@\s]+$"),
    "Device": re.compile(r"^\d{14,16}$"),
    "Handle": re.compile(r"^@?\S+$"),
}


def entity_draft(
    foreign_type: str,
    key: str,
    label: str,
    attributes: Iterable[tuple[str, str]],
    *,
    notes: Iterable[str] = (),
) -> EntityDraft:
    """An entity draft of our nearest type, with the attributes placed as properties or notes.

    An identifier type (Phone, Vehicle, ...) whose identifying value is missing or wrong
    becomes an Other entity instead: a chart item is never refused for a missing plate.
    """
    ours = entity_type(foreign_type)
    attrs = [(n, v) for n, v in attributes if v is not None and str(v).strip()]
    if ours != OTHER_ENTITY:
        typedef = default_schema()[ours]
        if typedef.id_from and not _identify(ours, typedef.id_from, label, attrs):
            ours = OTHER_ENTITY
    typedef = default_schema()[ours]
    props: Props = {}
    lines = list(notes)
    if ours == OTHER_ENTITY:
        props["original_type"] = foreign_type
        if label:
            props["name"] = label
    elif typedef.id_from and not any(_is_property(typedef, typedef.id_from, n) for n, _ in attrs):
        found = _identify(ours, typedef.id_from, label, attrs)
        assert found is not None
        props[typedef.id_from] = found[1]
        attrs = [a for a in attrs if a is not found[0]]
    elif "name" in typedef.identify and label:
        props["name"] = label
    place(typedef.name, attrs, props, lines)
    if lines:
        note_key = "notes" if "notes" in typedef.properties else "description"
        props[note_key] = "\n".join(lines)
    # A label that is only the identifying value (an address's text): let the import
    # label it the same way, rather than copying the label into a name property.
    own = (*typedef.identify, typedef.id_from)
    if (
        ours != OTHER_ENTITY
        and "name" not in typedef.identify
        and label
        and any(label in _values(props.get(p)) for p in own if p)
    ):
        label = ""
    return EntityDraft(type=ours, key=key, label=label, properties=props)


def _values(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else value


def _identify(
    ours: str, id_prop: str, label: str, attrs: list[tuple[str, str]]
) -> tuple[tuple[str, str] | None, str] | None:
    """(the attribute that holds it or None for the label, the value), or None if absent."""
    pattern = _LOOKS_RIGHT.get(ours)
    spec = default_schema()[ours].properties[id_prop]
    names = {id_prop, _fold(spec.label), *_ID_ATTRIBUTES.get(ours, ())}
    for attr in attrs:
        if _fold(attr[0]) in names and (pattern is None or pattern.match(attr[1].strip())):
            return attr, attr[1].strip()
    if label and pattern is not None and pattern.match(label.strip()):
        return None, label.strip()
    return None


def place(type_name: str, attrs: Iterable[tuple[str, str]], props: Props, lines: list[str]) -> None:
    """Attributes our type knows become properties (repeats as lists); the rest notes lines."""
    known = default_schema()[type_name].properties
    by_label = {_fold(spec.label): prop for prop, spec in known.items()}
    for name, value in attrs:
        value = str(value).strip()
        key = name if name in known else _fold(name).replace(" ", "_")
        if key not in known:  # i2 charts we write name attributes by the property's label
            key = by_label.get(_fold(name), key)
        if key == "notes":
            lines.append(value)  # our own notes, written back by an export
        elif key in known and _fits(known[key], value):
            prior = props.get(key)
            if prior is None:
                props[key] = value
            elif isinstance(prior, list):
                prior.append(value)
            elif prior != value:
                props[key] = [prior, value]
        else:
            lines.append(f"{name}: {value}")


def _fits(spec: PropertyDef, value: str) -> bool:
    """Whether the value passes its property's check; if not it stays a note, not a refusal.

    Phone numbers are left to the import, which cleans them in the case's region.
    """
    if spec.type.name == "phone":
        return True
    try:
        cleaned = spec.type.clean(value)
    except ValueError:
        return False
    return not spec.choices or cleaned.lower() in spec.choices


def _is_property(typedef: TypeDef, prop: str, attribute: str) -> bool:
    """Whether an attribute names the property, by its name or by its label."""
    return _fold(attribute) in (_fold(prop), _fold(typedef.properties[prop].label))
