"""Cellebrite report items ("models") turned into Threadline drafts.

A UFDR report describes each recovered item as `<model type id deleted_state>` holding
`<field name><value>` pairs and nested models (`Parties`, `Entries`, `Messages`).
`parse_model` flattens one element into a `Model`; `rows_for` turns it into rows.

Cellebrite lists only the *other* side of most calls and messages: the phone's owner is
implicit. So the owner's number (MSISDN) and the device (IMEI) are read once from the
report's metadata into a `Report`, and every call or message gets them as its own side.
Values stay as written (numbers are normalized by ingest with the case's region); a value
that cannot be a phone number becomes an Email or a Handle instead of a refused record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from xml.etree.ElementTree import Element

from importers.base import Draft, EntityDraft, EventDraft, LinkDraft, Props, Row
from importers.timeparse import parse_time

MESSAGE_CHANNELS = {"SMS": "sms", "MMS": "mms", "InstantMessage": "chat", "Email": "email"}
CHANNEL_LABELS = {"sms": "SMS", "mms": "MMS", "chat": "Chat message", "email": "Email"}
SUPPORTED = frozenset({"Call", "Contact", "Chat", "CellTower", "UserAccount", *MESSAGE_CHANNELS})
RAW_LIMIT = 2000
SECRET_FIELDS = frozenset({"password", "token", "pin"})  # never copied into quarantine
MIN_PHONE_DIGITS = 7  # shorter all-digit values are short codes: no region accepts them
WITHHELD = frozenset(
    {"unknown", "private", "private number", "withheld", "restricted", "anonymous",
     "no caller id", "blocked", "unavailable", "hidden", "no number"}
)  # fmt: skip
CALL_DIRECTIONS = {
    "incoming": "incoming", "outgoing": "outgoing", "dialed": "outgoing", "missed": "missed",
    "rejected": "incoming", "declined": "incoming", "blocked": "incoming",
    "forwarded": "forwarded", "unknown": "unknown",
}  # fmt: skip
OUTGOING = frozenset({"sent", "outbox", "draft", "drafts", "unsent", "outgoing"})
NOT_AN_APP = frozenset({"", "phone", "sim", "native"})
_PHONEISH = re.compile(r"\+?[\d\s().\-/]+")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_JID = re.compile(r"(\d{7,15})@(?:s\.whatsapp\.net|c\.us)", re.IGNORECASE)
_APP_ID = re.compile(r"@(?:s\.whatsapp\.net|c\.us|g\.us|broadcast)$", re.IGNORECASE)
_URL = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://\S+")
_SPAN = re.compile(r"(?:(\d+)\.)?(\d+):(\d{1,2}):(\d{1,2})(?:\.\d+)?|(\d+):(\d{1,2})")


def local(tag: str) -> str:
    """The tag without its namespace: reports differ in namespace, never in names."""
    return tag.rpartition("}")[2]


@dataclass(slots=True)
class Model:
    type: str
    id: str
    deleted_state: str = ""
    fields: dict[str, list[str]] = field(default_factory=dict)
    children: dict[str, list[Model]] = field(default_factory=dict)

    def first(self, *names: str) -> str:
        """The first non-blank value of the first of `names` that has one."""
        for name in names:
            for value in self.fields.get(name, ()):
                if value.strip():
                    return " ".join(value.split())
        return ""

    def values(self, name: str) -> list[str]:
        return [" ".join(v.split()) for v in self.fields.get(name, ()) if v.strip()]

    def models(self, *names: str) -> list[Model]:
        return [m for name in names for m in self.children.get(name, ())]


def parse_model(elem: Element) -> Model:
    model = Model(elem.get("type", ""), elem.get("id", ""), elem.get("deleted_state", ""))
    for child in elem:
        tag, name = local(child.tag), child.get("name", "")
        if tag in ("field", "multiField"):
            found = [v.text or "" for v in child if local(v.tag) == "value"]
            model.fields.setdefault(name, []).extend(found)
        elif tag in ("modelField", "multiModelField"):
            nested = [parse_model(m) for m in child if local(m.tag) == "model"]
            model.children.setdefault(name, []).extend(nested)
        # dataField (byte ranges of attachments) holds nothing an analyst charts.
    return model


def render(model: Model, limit: int = RAW_LIMIT) -> str:
    """A one-line text of the item for quarantine, so the analyst sees what was refused."""
    text = _render(model)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _render(model: Model) -> str:
    parts = [f"{model.type} {model.id}".strip()]
    if model.deleted_state and model.deleted_state != "Intact":
        parts[0] += f" ({model.deleted_state})"
    for name, found in model.fields.items():
        shown = [" ".join(v.split()) for v in found if v.strip()]
        if shown and name.casefold() not in SECRET_FIELDS:
            parts.append(f"{name}={' | '.join(shown)}")
    for name, nested in model.children.items():
        if nested:
            parts.append(f"{name}=[" + "; ".join(_render(m) for m in nested) + "]")
    return ", ".join(parts)


@lru_cache(maxsize=4096)
def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def same_number(a: str, b: str) -> bool:
    """Two writings of one number ("+1 443 714-0168", "4437140168"): same last digits."""
    da, db = _digits(a), _digits(b)
    n = min(len(da), len(db), 10)
    return n >= MIN_PHONE_DIGITS and da[-n:] == db[-n:]


def identity(value: str, platform: str = "") -> EntityDraft | None:
    """The entity a party identifier stands for; None when the number was withheld."""
    text = " ".join(value.split())
    if not text or text.casefold() in WITHHELD:
        return None
    jid = _JID.fullmatch(text)
    if jid:  # WhatsApp's user id is the E.164 number without the plus
        text = "+" + jid[1]
    elif _APP_ID.search(text):  # a WhatsApp group or broadcast list: not an email address
        platform = platform or "WhatsApp"
    elif _EMAIL.fullmatch(text):
        return EntityDraft("Email", f"email:{text.casefold()}", {"address": text})
    digits = re.sub(r"\D", "", text)
    if digits and _PHONEISH.fullmatch(text):
        if MIN_PHONE_DIGITS <= len(digits) <= 15:
            return EntityDraft("Phone", f"phone:{text}", {"number": text})
        if len(digits) < MIN_PHONE_DIGITS:
            platform = platform or "short code"
    props: Props = {"handle": text}
    if platform:
        props["platform"] = platform
    return EntityDraft("Handle", f"handle:{platform.casefold()}:{text.casefold()}", props)


def platform_of(model: Model | None) -> str:
    """The app an item came from (WhatsApp, Skype...), or "" for the phone's own SMS/calls."""
    if model is None:
        return ""
    source = model.first("Source", "ServiceType", "SourceApplication")
    return "" if source.casefold() in NOT_AN_APP else source


@dataclass
class Report:
    """What the metadata says about the extracted phone, shared by every item."""

    time_zone: str = "UTC"
    device: EntityDraft | None = None
    owner: EntityDraft | None = None  # the SIM's own number (MSISDN)

    def is_owner(self, party: Party) -> bool:
        if party.owner:
            return True
        number = self.owner.properties.get("number") if self.owner else None
        return isinstance(number, str) and same_number(party.identifier, number)


class Drafts:
    """A row's drafts, each key once, in the order they were first met."""

    def __init__(self) -> None:
        self.items: list[Draft] = []
        self._keys: set[str] = set()

    def add(self, draft: Draft | None) -> str | None:
        if draft is None:
            return None
        if draft.key not in self._keys:
            self._keys.add(draft.key)
            self.items.append(draft)
        return draft.key

    def link(self, type_name: str, source: str, target: str, props: Props | None = None) -> None:
        self.add(
            LinkDraft(type_name, f"{type_name}:{source}->{target}", source, target, props or {})
        )


class Notes:
    """What an analyst should know about an item but no property holds: the description."""

    def __init__(self, model: Model) -> None:
        self.items: list[str] = []
        state = model.deleted_state
        if state.casefold() in ("deleted", "trash"):
            # Recovered deleted data matters (and may be incomplete): say so on the record.
            self.add(f"Cellebrite deleted_state={state}: recovered deleted item")
        elif state and state.casefold() != "intact":
            self.add(f"Cellebrite deleted_state={state}")

    def add(self, text: str) -> None:
        if text and text not in self.items:
            self.items.append(text)

    def put(self, props: Props, name: str = "description") -> None:
        if self.items:
            props[name] = "; ".join(self.items)


def put(props: Props, name: str, value: str) -> None:
    """Set a property only when there is a value: ingest refuses empty ones."""
    if value.strip():
        props[name] = value.strip()


def seconds(text: str) -> int | None:
    """Cellebrite durations: "00:01:06", "1.02:03:04" (.NET TimeSpan), "01:06" or "66"."""
    value = text.strip()
    if value.isdigit():
        return int(value)
    m = _SPAN.fullmatch(value)
    if not m:
        return None
    if m[5] is not None:
        return int(m[5]) * 60 + int(m[6])
    days, hours, minutes, secs = (int(g or 0) for g in m.groups()[:4])
    return ((days * 24 + hours) * 60 + minutes) * 60 + secs


def times(
    model: Model, report: Report, notes: Notes, duration: int | None
) -> tuple[str | None, str | None]:
    """Start (and end, from the duration); an unreadable time is noted, not fatal."""
    written = model.first("TimeStamp", "StartTime", "DateSent", "Date")
    if not written:
        notes.add("no time recorded")
        return None, None
    try:
        start = parse_time(written, report.time_zone)
    except ValueError:
        notes.add(f"time not readable: {written!r}")
        return None, None
    if not duration:
        return start, None
    return start, (datetime.fromisoformat(start) + timedelta(seconds=duration)).isoformat()


@dataclass(slots=True)
class Party:
    identifier: str
    name: str
    role: str  # "from", "to" or "" (Cellebrite's "General": the side is not said)
    owner: bool


_ROLES = {"from": "from", "to": "to", "cc": "to", "bcc": "to"}


def parties(model: Model) -> list[Party]:
    """Sides from `Parties` models, `From`/`To` models (chats) or `From`/`To` strings (MMS)."""
    found: list[Party] = []
    for holder in ("Parties", "Participants", "From", "To", "Cc", "Bcc"):
        implied = _ROLES.get(holder.casefold(), "")
        for p in model.models(holder):
            role = _ROLES.get(p.first("Role").casefold(), implied)
            owner = p.first("IsPhoneOwner").casefold() == "true"
            found.append(Party(p.first("Identifier"), p.first("Name"), role, owner))
        if implied:
            found.extend(Party(v, "", implied, False) for v in model.values(holder))
    return [p for p in found if p.identifier or p.name]


def _side(party: Party, report: Report, platform: str, drafts: Drafts, notes: Notes) -> str | None:
    key = drafts.add(identity(party.identifier, platform))
    if key is None and report.is_owner(party):
        key = drafts.add(report.owner)
    if key is None:
        notes.add(f"number withheld ({party.identifier or 'none'})" + _named(party))
    return key


def _named(party: Party) -> str:
    return f", named {party.name!r}" if party.name else ""


def _who(party: Party) -> str:
    return party.name or party.identifier


def call_row(model: Model, locator: str, report: Report) -> Row:
    drafts, notes, platform = Drafts(), Notes(model), platform_of(model)
    written = model.first("Direction", "Type")
    direction = CALL_DIRECTIONS.get(written.casefold(), "unknown")
    if written and written.casefold() not in CALL_DIRECTIONS:
        notes.add(f"call type {written!r}")
    if direction == "unknown":
        notes.add("direction not recorded: every side is listed as callee")
    duration = seconds(model.first("Duration"))
    if model.first("Duration") and duration is None:
        notes.add(f"duration not readable: {model.first('Duration')!r}")
    start, end = times(model, report, notes, duration)
    participants: list[tuple[str, str]] = []
    others: list[str] = []
    owner_seen = False
    for party in parties(model):
        mine = report.is_owner(party)
        owner_seen = owner_seen or mine
        if not mine:
            others.append(_who(party))
        key = _side(party, report, platform, drafts, notes)
        if key is None:
            continue
        role = {"from": "caller", "to": "callee"}.get(party.role)
        if role is None:
            role = "callee" if direction in ("outgoing", "unknown") else "caller"
        participants.append((role, key))
    owner_key = None if owner_seen else drafts.add(report.owner)
    if owner_key:
        roles = {r for r, _ in participants}
        if roles == {"caller"}:
            participants.append(("callee", owner_key))
        elif (roles == {"callee"} and direction != "unknown") or direction == "outgoing":
            participants.append(("caller", owner_key))
        else:
            participants.append(("callee", owner_key))
    device = drafts.add(report.device)
    if device:
        participants.append(("device", device))
    if model.first("VideoCall").casefold() == "true":
        notes.add("video call")
    if platform:
        notes.add(f"via {platform}")
    props: Props = {"direction": direction}
    if duration is not None:
        props["duration_s"] = str(duration)
    refused = written if written.casefold() in ("rejected", "declined", "blocked") else ""
    status = model.first("Status") or refused
    put(props, "status", status)
    notes.put(props)
    preposition = {"incoming": "from", "missed": "from", "outgoing": "to"}.get(direction, "with")
    label = f"{direction.capitalize()} call {preposition} {', '.join(others) or 'unknown number'}"
    event = EventDraft(
        "Call", f"{model.type}:{model.id or locator}", start, end, participants, props, label
    )
    drafts.add(event)
    return Row(locator, drafts.items, render(model))


def message_row(
    model: Model, locator: str, report: Report, channel: str, chat: Model | None = None
) -> Row:
    drafts, notes = Drafts(), Notes(model)
    platform = platform_of(model) or platform_of(chat)
    folder = model.first("Folder")
    status = model.first("Status")
    outgoing = any(
        v.casefold() in OUTGOING for v in (folder, status, model.first("Direction", "Type"))
    )
    found = parties(model)
    others = [p for p in found if not report.is_owner(p)]
    if len(others) == 1 and not others[0].name:
        others[0].name = model.first("Name")  # MMS: the contact name of the one other side
    senders: list[str] = []
    recipients: list[str] = []
    names: dict[bool, list[str]] = {True: [], False: []}  # sending? -> who, for the label
    sender_seen = False  # a withheld sender is still a sender: the owner did not send it
    for party in found:
        key = _side(party, report, platform, drafts, notes)
        sending = party.role == "from" or (party.role == "" and not outgoing)
        sender_seen = sender_seen or sending
        if key:
            (senders if sending else recipients).append(key)
        if not report.is_owner(party):
            names[sending].append(_who(party))
    if chat is not None and not recipients:
        for party in parties(chat):  # a chat message goes to everyone else in the chat
            if report.is_owner(party) and report.owner is not None:
                continue  # the owner's number is added below
            key = drafts.add(identity(party.identifier, platform))
            if key and key not in senders:
                recipients.append(key)
                names[False].append(_who(party))
    if not any(report.is_owner(p) for p in found):
        owner = drafts.add(report.owner)
        if owner and not sender_seen:
            senders.append(owner)
        elif owner and owner not in recipients:
            recipients.append(owner)
    participants = [("sender", k) for k in senders] + [("recipient", k) for k in recipients]
    device = drafts.add(report.device)
    if device:
        participants.append(("device", device))
    props: Props = {"channel": channel}
    put(props, "body", model.first("Body", "Snippet"))
    put(props, "folder", folder)
    for name in ("Subject", "Status"):
        if model.first(name):
            notes.add(f"{name.lower()}: {model.first(name)}")
    attached = [a.first("Filename") for a in model.models("Attachments", "Attachment")]
    if any(attached):
        notes.add("attachments: " + ", ".join(a for a in attached if a))
    if platform:
        notes.add(f"via {platform}")
    start, _ = times(model, report, notes, None)
    notes.put(props)
    kind = CHANNEL_LABELS[channel]
    if names[True] or not (outgoing or names[False]):
        label = f"{kind} from {', '.join(names[True]) or 'unknown sender'}"
    else:
        label = f"{kind} to {', '.join(names[False]) or 'unknown recipient'}"
    event = EventDraft(
        "Message", f"{model.type}:{model.id or locator}", start, None, participants, props, label
    )
    drafts.add(event)
    return Row(locator, drafts.items, render(model))


def chat_rows(model: Model, locator: str, report: Report) -> list[Row]:
    """One row per message of the chat; the chat's members are the recipients by default."""
    messages = model.models("Messages")
    if not messages:
        drafts, platform = Drafts(), platform_of(model)
        for party in parties(model):
            drafts.add(identity(party.identifier, platform))
        problem = None if drafts.items else "chat has no messages and no participants"
        return [Row(locator, drafts.items, render(model), problem)]
    return [
        message_row(m, f"{locator}/multiModelField[@name='Messages']/model[{at(m, i)}]",
                    report, "chat", chat=model)
        for i, m in enumerate(messages, start=1)
    ]  # fmt: skip


def at(model: Model, index: int) -> str:
    """An XPath predicate for a model: its id, or its position when it has none."""
    return f"@id='{model.id}'" if model.id else str(index)


def _holder(model: Model, drafts: Drafts, notes: Notes) -> str | None:
    """Who the address-book entry is: a Person by name, else its Organization (a business)."""
    name = model.first("Name")
    orgs = [o for o in model.models("Organizations") if o.first("Name")]
    web = [e.first("Value") for e in model.models("Entries") if e.type == "WebAddress"]
    org_keys: list[tuple[str, str]] = []
    for org in orgs:
        props: Props = {"name": org.first("Name")}
        if not name and not org_keys and web and _URL.fullmatch(web[0]):
            props["website"] = web.pop(0)
        key = drafts.add(EntityDraft("Organization", f"org:{org.first('Name').casefold()}", props))
        org_keys.append((key or "", org.first("Position")))
    for site in web:
        notes.add(f"web: {site}")
    if not name:
        return org_keys[0][0] if org_keys else None
    person: Props = {"name": name}
    notes.put(person, "notes")
    key = drafts.add(EntityDraft("Person", f"contact:{model.id or name}", person))
    for org_key, position in org_keys:
        drafts.link("works_at", key or "", org_key, {"description": position} if position else {})
    return key


def contact_row(model: Model, locator: str, report: Report) -> Row:
    """An address-book entry: the person (or business) `uses` each number, email and id."""
    drafts, notes, platform = Drafts(), Notes(model), platform_of(model)
    for note in model.values("Notes"):
        notes.add(note)
    if platform:
        notes.add(f"in the {platform} address book")
    holder = _holder(model, drafts, notes)
    for entry in model.models("Entries"):
        if entry.type in ("WebAddress", "ContactPhoto", "ProfilePicture"):
            continue
        where = platform or entry.first("Domain") if entry.type == "UserID" else ""
        key = drafts.add(identity(entry.first("Value"), where))
        if holder and key:
            drafts.link("uses", holder, key)
    for index, address in enumerate(model.models("Addresses"), start=1):
        key = drafts.add(_address(address, f"address:{model.id}:{at(address, index)}"))
        if holder and key:
            drafts.link("lives_at", holder, key)
    problem = None if drafts.items else "contact has no name, organization, number or address"
    return Row(locator, drafts.items, render(model), problem)


def _address(model: Model, key: str) -> EntityDraft | None:
    street = " ".join(filter(None, (model.first("HouseNumber"), model.first("Street1"))))
    parts = (street, model.first("Street2"), model.first("Neighborhood"), model.first("City"),
             model.first("State"), model.first("PostalCode"), model.first("Country"))  # fmt: skip
    full = ", ".join(p for p in parts if p)
    if not full:
        return None
    props: Props = {"full": full}
    for name, value in (("street", street), ("city", model.first("City")),
                        ("region", model.first("State")),
                        ("postal_code", model.first("PostalCode"))):  # fmt: skip
        put(props, name, value)
    return EntityDraft("Address", key, props)


def cell_row(model: Model, locator: str, report: Report) -> Row:
    parts = [model.first("MCC"), model.first("MNC"), model.first("LAC", "TAC"),
             model.first("CID", "CellId", "CI")]  # fmt: skip
    if not all(parts):
        return Row(locator, [], render(model), "cell tower lacks its MCC, MNC, LAC or CID")
    props: Props = {"cell_id": "-".join(parts)}
    for position in model.models("Position")[:1]:
        lat, lon = position.first("Latitude"), position.first("Longitude")
        if lat and lon:
            props["coordinates"] = f"{lat}, {lon}"
    Notes(model).put(props, "notes")
    return Row(locator, [EntityDraft("CellSite", f"cell:{props['cell_id']}", props)], render(model))


def account_row(model: Model, locator: str, report: Report) -> Row:
    """An account signed in on the phone: its user name and ids, as Handles or Emails."""
    drafts, notes, platform = Drafts(), Notes(model), platform_of(model)
    notes.add("account found on the extracted phone")
    if model.first("Name"):
        notes.add(f"display name {model.first('Name')!r}")
    values = [model.first("Username", "UserID", "Identifier")]
    values += [e.first("Value") for e in model.models("Entries") if e.type != "WebAddress"]
    for value in values:
        draft = identity(value, platform)
        if draft is not None and not drafts.items:
            notes.put(draft.properties, "notes")
        drafts.add(draft)
    problem = None if drafts.items else "account has no user name or identifier"
    return Row(locator, drafts.items, render(model), problem)


def rows_for(model: Model, locator: str, report: Report) -> list[Row]:
    """The rows one top-level model becomes (a chat: one per message)."""
    if model.type == "Call":
        return [call_row(model, locator, report)]
    if model.type in MESSAGE_CHANNELS:
        return [message_row(model, locator, report, MESSAGE_CHANNELS[model.type])]
    if model.type == "Chat":
        return chat_rows(model, locator, report)
    if model.type == "Contact":
        return [contact_row(model, locator, report)]
    if model.type == "CellTower":
        return [cell_row(model, locator, report)]
    if model.type == "UserAccount":
        return [account_row(model, locator, report)]
    problem = f"Threadline does not import Cellebrite {model.type or 'untyped'} items"
    return [Row(locator, [], render(model), problem)]
