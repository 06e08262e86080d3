"""The recruiter's seized phone as a Cellebrite report.xml (report 2.0 namespace).

The layout copies what UFED Physical Analyzer writes (see samples/ufdr): project > metadata
sections > decodedData > modelType > model > field/value and multiModelField "Parties".
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

from analyst_app.demo.cdr import RingEvent
from analyst_app.demo.common import local_ts, make_uuid, national, open_text
from analyst_app.demo.people import Cast, Person

NAMESPACE = "http://pa.cellebrite.com/report/2.0"


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _field(name: str, ftype: str, value: str | None, pad: str) -> str:
    if value is None:
        return f'{pad}<field name="{name}" type="{ftype}">\n{pad}  <empty />\n{pad}</field>\n'
    inner = value if ftype == "TimeStamp" else _cdata(value)
    return (f'{pad}<field name="{name}" type="{ftype}">\n'
            f'{pad}  <value type="{ftype}">{inner}</value>\n{pad}</field>\n')  # fmt: skip


def _stamp(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _span(seconds: int) -> str:
    h, rem = divmod(seconds, 3600)
    return f"{h:02d}:{rem // 60:02d}:{rem % 60:02d}"


class _Writer:
    def __init__(self, rng: random.Random, names: dict[str, str]) -> None:
        self.rng = rng
        self.names = names  # phone -> contact name on the device
        self.parts: list[str] = []

    def ident(self, phone: str) -> str:
        style = self.rng.randrange(3)
        return phone[2:] if style == 0 else phone if style == 1 else national(phone)

    def party(self, phone: str, role: str, status: str = "Unknown") -> str:
        pad = " " * 10
        text = f'{pad}<model type="Party" id="{make_uuid(self.rng)}" deleted_state="Intact">\n'
        text += _field("Identifier", "String", self.ident(phone), pad + "  ")
        text += _field("Role", "PartyRole", role, pad + "  ")
        text += _field("Status", "PartyStatus", status, pad + "  ")
        if phone in self.names:
            text += _field("Name", "String", self.names[phone], pad + "  ")
        return text + f"{pad}</model>\n"

    def model(self, mtype: str, deleted: bool, body: str) -> None:
        state = "Deleted" if deleted else "Intact"
        self.parts.append(f'      <model type="{mtype}" id="{make_uuid(self.rng)}" '
                          f'deleted_state="{state}">\n{body}      </model>\n')  # fmt: skip


def _metadata(cast: Cast) -> str:
    rec = cast.recruiter
    sections = (
        ("Additional Fields", (("Case number", "DEMO-2024-0611"),
                               ("Case name", "Operation Lantern (fictional)"),
                               ("Evidence number", "EX-07"),
                               ("Examiner name", "Examiner Fakename (fictional)"))),
        ("Extraction Data", (("Extraction start date/time", "2024-05-02T10:04:11"),
                             ("Extraction end date/time", "2024-05-02T10:41:57"),
                             ("Selected Manufacturer", "Fictiphone"),
                             ("Selected Device Name", "Fictiphone 9"),
                             ("Connection Type", "Cable No. 210"), ("Report type", "Phone"))),
        ("Device Info", (("Detected model", "FP9"), ("IMEI", rec.imei),
                         ("ICCID", "8900101" + rec.imsi[5:] + "01"),
                         ("MSISDN", "1 " + national(rec.phone)), ("MSISDN Type", "MSISDN"),
                         ("IMSI", rec.imsi))),
    )  # fmt: skip
    out = []
    for section, items in sections:
        out.append(f'  <metadata section="{section}">\n')
        out.extend(f'    <item name="{k}">{_cdata(v)}</item>\n' for k, v in items)
        out.append("  </metadata>\n")
    return "".join(out)


def _contacts(w: _Writer, people: list[tuple[str, Person]]) -> None:
    pad = " " * 8
    for name, person in people:
        body = _field("Name", "String", name, pad)
        body += f'{pad}<multiModelField name="Entries" type="ContactEntry">\n'
        body += (
            f'{pad}  <model type="PhoneNumber" id="{make_uuid(w.rng)}" deleted_state="Intact">\n'
        )
        body += _field("Category", "String", "Mobile", pad + "    ")
        body += _field("Value", "String", w.ident(person.phone), pad + "    ")
        body += _field("Domain", "String", "Phone", pad + "    ")
        body += f"{pad}  </model>\n{pad}</multiModelField>\n"
        body += _field("Source", "String", "Phone", pad)
        w.model("Contact", False, body)


def write_extraction(path: Path, cast: Cast, events: list[RingEvent], rng: random.Random) -> int:
    """Write report.xml; returns the number of decoded models (calls, contacts, messages)."""
    rec = cast.recruiter
    friends = [e.b if e.a is rec else e.a for e in events if rec in (e.a, e.b)]
    contacts: list[tuple[str, Person]] = [(v.name, v) for v in cast.victims]
    contacts += [("Dima", cast.boss), ("Sasha", cast.ad_manager)]
    seen = {p.phone for _, p in contacts}
    for friend in friends:
        if friend.phone not in seen and friend.role == "unknown":
            seen.add(friend.phone)
            contacts.append((friend.name, friend))
    w = _Writer(rng, {p.phone: name for name, p in contacts})
    pad = " " * 8
    counts = 0
    w.parts.append('    <modelType type="Call">\n')
    for e in (e for e in events if e.kind == "call" and rec in (e.a, e.b)):
        other = e.b if e.a is rec else e.a
        ctype = "Outgoing" if e.a is rec else "Incoming" if e.duration else "Missed"
        body = _field("Type", "CallType", ctype, pad) + _field("TimeStamp", "TimeStamp",
                                                               _stamp(e.ts), pad)  # fmt: skip
        body += _field("Duration", "TimeSpan", _span(e.duration), pad)
        body += _field("Source", "String", None, pad)
        body += f'{pad}<multiModelField name="Parties" type="Party">\n'
        body += w.party(other.phone, "General") + f"{pad}</multiModelField>\n"
        body += _field("VideoCall", "Boolean", "False", pad)
        w.model("Call", False, body)
        counts += 1
    w.parts.append('    </modelType>\n    <modelType type="Contact">\n')
    _contacts(w, contacts)
    counts += len(contacts)
    w.parts.append('    </modelType>\n    <modelType type="SMS">\n')
    cutoff = local_ts(20, 0)  # the recruiter wiped older passport messages; the tool recovers them
    for e in (e for e in events if e.kind == "sms" and rec in (e.a, e.b)):
        sent = e.a is rec
        other = e.b if sent else e.a
        body = _field("TimeStamp", "TimeStamp", _stamp(e.ts), pad)
        body += _field("Status", "MessageStatus", "Sent" if sent else "Read", pad)
        body += f'{pad}<multiModelField name="Parties" type="Party">\n'
        body += w.party(other.phone, "To" if sent else "From") + f"{pad}</multiModelField>\n"
        body += _field("Folder", "String", "Sent" if sent else "Inbox", pad)
        body += _field("Body", "String", e.body, pad) + _field("Source", "String", "Phone", pad)
        w.model("SMS", "passport" in e.body and e.ts < cutoff, body)
        counts += 1
    w.parts.append("    </modelType>\n")
    with open_text(path) as handle:
        handle.write('\ufeff<?xml version="1.0" encoding="utf-8"?>\n')
        handle.write(f'<project id="{make_uuid(rng)}" name="Fictiphone 9" reportVersion="3.0" '
                     f'xmlns="{NAMESPACE}">\n')  # fmt: skip
        handle.write(_metadata(cast))
        handle.write("  <images />\n  <taggedFiles />\n  <decodedData>\n")
        handle.write("".join(w.parts))
        handle.write("  </decodedData>\n  <carvedFiles />\n</project>\n")
    return counts
