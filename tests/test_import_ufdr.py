"""Cellebrite UFDR import: the real sample, zipped and bare; hostile archives and XML refused."""

from __future__ import annotations

import io
import json
import random
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from analyst_app.ingest import import_file
from analyst_app.store import Case, CaseError
from analyst_app.store.queries import stats
from importers import REGISTRY, ufdr
from importers.base import ReadOptions, Unreadable
from tests.conftest import SAMPLES

SAMPLE = SAMPLES / "ufdr" / "alephdata_ftmcellebrite_3gs-report.xml"
NS = "http://pa.cellebrite.com/report/2.0"


def _need_sample() -> bytes:
    if not SAMPLE.is_file():
        pytest.skip("../shared/samples is not beside this checkout")
    return SAMPLE.read_bytes()


def _one(case: Case, sql: str, *args: object) -> Any:
    return case.conn.execute(sql, args).fetchone()[0]


def _count_events(case: Case, type_name: str, channel: str | None = None) -> int:
    if channel is None:
        return int(_one(case, "SELECT count(*) FROM events WHERE type = ?", type_name))
    return int(
        _one(
            case,
            "SELECT count(*) FROM events WHERE type = ?"
            " AND json_extract(properties, '$.channel') = ?",
            type_name,
            channel,
        )
    )


def _event_at(case: Case, locator_part: str) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The event read at a locator containing `locator_part`: its row and its sides by role."""
    row = case.conn.execute(
        "SELECT e.id, e.start_utc, e.end_utc, e.label, e.properties FROM events e"
        " JOIN provenance p ON p.object_id = e.id WHERE p.locator LIKE ?",
        (f"%{locator_part}%",),
    ).fetchone()
    assert row is not None, locator_part
    sides: dict[str, list[str]] = {}
    for role, entity in case.conn.execute(
        "SELECT role, entity_id FROM event_entities WHERE event_id = ? ORDER BY entity_id",
        (row[0],),
    ):
        sides.setdefault(role, []).append(entity)
    event = {"start": row[1], "end": row[2], "label": row[3], **json.loads(row[4])}
    return event, sides


def _assert_sample_counts(case: Case) -> None:
    assert _count_events(case, "Call") == 22
    assert _count_events(case, "Message", "sms") == 46
    assert _count_events(case, "Message", "mms") == 11
    directions = dict(
        case.conn.execute(
            "SELECT json_extract(properties, '$.direction'), count(*) FROM events"
            " WHERE type = 'Call' GROUP BY 1"
        ).fetchall()
    )
    assert directions == {"incoming": 4, "missed": 7, "outgoing": 11}
    # Contacts: ten named people and one business (Apple, a contact without a name).
    assert _one(case, "SELECT count(*) FROM entities WHERE type = 'Person'") == 10
    assert _one(case, "SELECT label FROM entities WHERE type = 'Organization'") == "Apple Inc."
    assert _one(case, "SELECT count(*) FROM links WHERE type = 'uses'") == 14
    assert _one(case, "SELECT count(*) FROM entities WHERE type = 'Device'") == 1
    assert _one(case, "SELECT id FROM entities WHERE type = 'Device'") == "imei:011982009759461"


@pytest.mark.samples
def test_sample_report_imports(case: Case) -> None:
    _need_sample()
    fractions: list[float] = []
    summary = import_file(case, SAMPLE, progress=fractions.append)
    assert summary.format == "ufdr"
    assert summary.quarantined_rows == 0, summary.reasons
    assert summary.rows == summary.imported_rows + summary.present_rows + summary.quarantined_rows
    assert summary.rows == 91  # device metadata + 22 calls + 11 contacts + 11 MMS + 46 SMS
    assert fractions and fractions[-1] == 1.0 and fractions == sorted(fractions)
    _assert_sample_counts(case)

    # The first call: Mr. Blond (a 10-digit number, normalized with the case's region)
    # called the phone's own number; the device is on it too.
    call, sides = _event_at(case, "a19dc2b5-bac4-452a-a0c0-a6f8ebc04b37")
    assert call["direction"] == "incoming" and call["duration_s"] == "2"
    assert call["start"] == "2012-03-15T18:44:22Z" and call["end"] == "2012-03-15T18:44:24Z"
    assert call["label"] == "Incoming call from Mr. Blond"
    assert sides == {
        "caller": ["phone:+12404378277"],
        "callee": ["phone:+14437140168"],
        "device": ["imei:011982009759461"],
    }
    # An SMS the owner sent to a carrier short code, which no region accepts as a number.
    sms, sides = _event_at(case, "7d5eb90c-6dd2-438a-936e-64e19b37f171")
    assert sms["channel"] == "sms" and sms["body"] == "A" and sms["folder"] == "Sent"
    assert sides["sender"] == ["phone:+14437140168"] and sides["recipient"] == ["handle:7106"]

    again = import_file(case, SAMPLE)
    assert again.added == {"entities": 0, "links": 0, "events": 0}
    assert again.present_rows == again.rows == summary.rows
    _assert_sample_counts(case)


@pytest.mark.samples
def test_sample_zipped_as_ufdr(case: Case, tmp_path: Path) -> None:
    data = _need_sample()
    path = tmp_path / "iphone.ufdr"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("report.xml", data)
        archive.writestr("files/Image/photo.jpg", b"\xff\xd8 not really a photo")
    summary = import_file(case, path)
    assert summary.format == "ufdr" and summary.quarantined_rows == 0
    assert summary.rows == summary.imported_rows + summary.present_rows == 91
    _assert_sample_counts(case)


def test_sniff_claims_reports_and_ufdr_only(tmp_path: Path) -> None:
    assert "ufdr" in {i.name for i in REGISTRY}
    xml = f'<?xml version="1.0"?><project xmlns="{NS}" reportVersion="3.0">'.encode()
    assert ufdr.sniff(tmp_path / "report.xml", xml) >= 0.9
    assert ufdr.sniff(tmp_path / "calls.csv", b"a,b,c\n1,2,3\n") == 0.0
    assert ufdr.sniff(tmp_path / "x.ufdr", b"\x00\x01garbage") > 0.5  # so the analyst hears why
    table = tmp_path / "sheet.xlsx"
    with zipfile.ZipFile(table, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert ufdr.sniff(table, table.read_bytes()[:64]) == 0.0


# -- a report written for the cases the sample lacks ---------------------------------------


def _party(identifier: str, role: str = "General", name: str = "", owner: bool = False) -> str:
    extra = f'<field name="Name"><value>{name}</value></field>' if name else ""
    if owner:
        extra += '<field name="IsPhoneOwner"><value>True</value></field>'
    return (
        f'<model type="Party"><field name="Identifier"><value>{identifier}</value></field>'
        f'<field name="Role"><value>{role}</value></field>{extra}</model>'
    )


def _fields(**values: str) -> str:
    return "".join(f'<field name="{k}"><value>{v}</value></field>' for k, v in values.items())


SYNTHETIC = f"""<?xml version="1.0" encoding="utf-8"?>
<project xmlns="{NS}" reportVersion="5.0">
  <metadata section="Device Info">
    <item name="IMEI"><![CDATA[356938035643809]]></item>
    <item name="MSISDN"><![CDATA[+1 202 555 0100]]></item>
  </metadata>
  <decodedData>
    <modelType type="Call">
      <model type="Call" id="call-deleted" deleted_state="Deleted">
        {_fields(Direction="Outgoing", TimeStamp="2024-03-05T02:14:00-05:00", Duration="00:02:05")}
        <multiModelField name="Parties">{_party("+1 202 555 0199", "To", "Dee")}</multiModelField>
      </model>
      <model type="Call" id="call-withheld" deleted_state="Intact">
        {_fields(Direction="Incoming")}
        <multiModelField name="Parties">{_party("Private Number")}</multiModelField>
      </model>
      <model type="Call" id="call-bad-number" deleted_state="Intact">
        {_fields(Direction="Incoming", TimeStamp="2024-03-05T03:00:00Z")}
        <multiModelField name="Parties">{_party("12345678")}</multiModelField>
      </model>
    </modelType>
    <modelType type="Chat">
      <model type="Chat" id="chat-1" deleted_state="Intact">
        {_fields(Source="WhatsApp")}
        <multiModelField name="Participants">
          {_party("15551230000@s.whatsapp.net", name="Boss")}
          {_party("12025550100@s.whatsapp.net", owner=True)}
        </multiModelField>
        <multiModelField name="Messages">
          <model type="InstantMessage" id="im-1" deleted_state="Intact">
            <modelField name="From">{_party("15551230000@s.whatsapp.net", name="Boss")}</modelField>
            {_fields(Body="new girl arrives friday", TimeStamp="2024-03-06T10:00:00+01:00")}
          </model>
          <model type="InstantMessage" id="im-2" deleted_state="Trash">
            <modelField name="From">{_party("12025550100@s.whatsapp.net", owner=True)}</modelField>
            {_fields(Body="ok", TimeStamp="yesterday")}
          </model>
        </multiModelField>
      </model>
    </modelType>
    <modelType type="InstantMessage">
      <model type="InstantMessage" id="tg-1" deleted_state="Intact">
        {_fields(Source="Telegram", Body="room 12", TimeStamp="2024-03-07T22:00:00")}
        <multiModelField name="Parties">{_party("trafficker_77", "From")}</multiModelField>
      </model>
    </modelType>
    <modelType type="CellTower">
      <model type="CellTower" id="cell-1" deleted_state="Intact">
        {_fields(MCC="310", MNC="410", LAC="1234", CID="5678")}
        <modelField name="Position"><model type="Coordinate">
          {_fields(Latitude="38.9", Longitude="-77.0")}
        </model></modelField>
      </model>
    </modelType>
    <modelType type="WebBookmark">
      <model type="WebBookmark" id="wb-1" deleted_state="Intact">{_fields(Url="http://a.example")}</model>
      <model type="WebBookmark" id="wb-2" deleted_state="Intact">{_fields(Url="http://b.example")}</model>
    </modelType>
    <modelType type="Contact">
      <model type="Contact" id="contact-dee" deleted_state="Deleted">
        {_fields(Name="Dee")}
        <multiModelField name="Entries">
          <model type="PhoneNumber">{_fields(Value="(202) 555-0199", Category="Mobile")}</model>
          <model type="UserID">{_fields(Value="dee.x", Domain="Snapchat")}</model>
        </multiModelField>
      </model>
    </modelType>
  </decodedData>
</project>
"""


def test_synthetic_report_covers_deleted_withheld_chats_and_refusals(
    case: Case, tmp_path: Path
) -> None:
    path = tmp_path / "report.xml"
    path.write_text(SYNTHETIC, encoding="utf-8")
    summary = import_file(case, path)
    # metadata, 3 calls, 2 chat messages, 1 instant message, 1 cell, 1 bookmark summary, 1 contact
    assert summary.rows == 10
    assert summary.quarantined_rows == 2 and summary.imported_rows == 8
    reasons = "\n".join(summary.reasons)
    assert "call-bad-number" in reasons and "not a possible phone number" in reasons
    assert "2 Cellebrite WebBookmark item(s) not imported" in reasons

    call, sides = _event_at(case, "call-deleted")
    assert call["start"] == "2024-03-05T07:14:00Z" and call["end"] == "2024-03-05T07:16:05Z"
    assert call["direction"] == "outgoing" and call["duration_s"] == "125"
    assert "deleted_state=Deleted" in call["description"]
    assert sides["caller"] == ["phone:+12025550100"] and sides["callee"] == ["phone:+12025550199"]
    assert sides["device"] == ["imei:356938035643809"]

    withheld, sides = _event_at(case, "call-withheld")
    assert withheld["start"] is None and "no time recorded" in withheld["description"]
    assert "number withheld" in withheld["description"]
    assert sides["callee"] == ["phone:+12025550100"] and "caller" not in sides

    first, sides = _event_at(case, "im-1")
    assert first["channel"] == "chat" and first["start"] == "2024-03-06T09:00:00Z"
    assert sides["sender"] == ["phone:+15551230000"]
    assert "phone:+12025550100" in sides["recipient"]
    second, sides = _event_at(case, "im-2")
    assert second["start"] is None and "time not readable" in second["description"]
    assert "deleted_state=Trash" in second["description"]
    assert sides["sender"] == ["phone:+12025550100"]
    assert sides["recipient"] == ["phone:+15551230000"]

    telegram, sides = _event_at(case, "tg-1")
    assert telegram["start"] == "2024-03-07T22:00:00Z"  # no offset: the case's zone (UTC)
    assert sides["sender"] == ["handle:trafficker_77"]
    assert _one(case, "SELECT properties FROM entities WHERE id = 'handle:trafficker_77'")
    assert "Telegram" in _one(
        case, "SELECT properties FROM entities WHERE id = ?", sides["sender"][0]
    )

    cell = json.loads(_one(case, "SELECT properties FROM entities WHERE type = 'CellSite'"))
    assert cell == {"cell_id": "310-410-1234-5678", "coordinates": "38.9, -77.0"}

    person = json.loads(_one(case, "SELECT properties FROM entities WHERE type = 'Person'"))
    assert person["name"] == "Dee" and "deleted_state=Deleted" in person["notes"]
    uses = {r[0] for r in case.conn.execute("SELECT target_id FROM links WHERE type = 'uses'")}
    assert uses == {"phone:+12025550199", "handle:dee.x"}


def test_progress_is_reported_as_the_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "report.xml"
    path.write_text(SYNTHETIC, encoding="utf-8")
    seen: list[float] = []
    rows = list(ufdr.read(path, ReadOptions(progress=seen.append)))
    assert rows and seen[-1] == 1.0 and all(0 < f <= 1 for f in seen)


def test_byte_count_guards_against_lying_headers() -> None:
    counted = ufdr._Counted(io.BytesIO(b"x" * 100), 10, 10, None)
    with pytest.raises(Unreadable, match="zip bomb"):
        counted.read(64)


# -- hostile and broken inputs ------------------------------------------------------------


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return path


def _lying_zip(path: Path) -> Path:
    """A report.xml whose central directory understates its size (a zip bomb's trick)."""
    _zip(path, {"report.xml": SYNTHETIC.encode()})
    data = bytearray(path.read_bytes())
    entry = data.rindex(b"PK\x01\x02")  # the central directory entry; size at offset 24
    struct.pack_into("<I", data, entry + 24, 100)
    path.write_bytes(bytes(data))
    return path


BILLION_LAUGHS = f"""<?xml version="1.0"?>
<!DOCTYPE project [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<project xmlns="{NS}"><metadata section="Device Info"><item name="Notes">&lol9;</item></metadata>
</project>
"""

EXTERNAL_ENTITY = f"""<?xml version="1.0"?>
<!DOCTYPE project [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<project xmlns="{NS}"><metadata section="Device Info"><item name="Notes">&xxe;</item></metadata>
</project>
"""

Maker = Callable[[Path, pytest.MonkeyPatch], Path]


def _random_ufdr(tmp: Path, mp: pytest.MonkeyPatch) -> Path:
    path = tmp / "phone.ufdr"
    path.write_bytes(b"\x17" + random.Random(7).randbytes(8191))
    return path


def _truncated(tmp: Path, mp: pytest.MonkeyPatch) -> Path:
    data = SAMPLE.read_bytes() if SAMPLE.is_file() else SYNTHETIC.encode()
    path = tmp / "report.xml"
    path.write_bytes(data[: len(data) // 2])
    return path


def _report_bomb(tmp: Path, mp: pytest.MonkeyPatch) -> Path:
    mp.setattr(ufdr, "MAX_REPORT_BYTES", 1000)
    return _zip(tmp / "bomb.ufdr", {"report.xml": SYNTHETIC.encode() + b" " * 50_000})


def _total_bomb(tmp: Path, mp: pytest.MonkeyPatch) -> Path:
    mp.setattr(ufdr, "MAX_TOTAL_BYTES", 100_000)
    members = {"report.xml": SYNTHETIC.encode(), "files/big.bin": b"\0" * 200_000}
    return _zip(tmp / "bomb.ufdr", members)


BAD_INPUTS: list[tuple[str, Maker, str]] = [
    ("random-bytes", _random_ufdr, "not a UFDR archive"),
    (
        "no-report",
        lambda t, mp: _zip(t / "x.ufdr", {"files/a.txt": b"hello"}),
        "without report.xml",
    ),
    (
        "dot-dot",
        lambda t, mp: _zip(
            t / "x.ufdr", {"report.xml": SYNTHETIC.encode(), "../evil.txt": b"pwned"}
        ),
        "outside the archive",
    ),
    (
        "absolute",
        lambda t, mp: _zip(
            t / "x.ufdr", {"report.xml": SYNTHETIC.encode(), "/etc/cron.d/evil": b"pwned"}
        ),
        "outside the archive",
    ),
    ("report-bomb", _report_bomb, "zip bomb"),
    ("total-bomb", _total_bomb, "zip bomb"),
    ("lying-header", lambda t, mp: _lying_zip(t / "x.ufdr"), "damaged"),
    ("truncated", _truncated, "damaged or cut short"),
    (
        "billion-laughs",
        lambda t, mp: _write(t / "report.xml", BILLION_LAUGHS),
        "billion laughs",
    ),
    (
        "external-entity",
        lambda t, mp: _write(t / "report.xml", EXTERNAL_ENTITY),
        "file:///etc/passwd",
    ),
    (
        "not-a-report",
        lambda t, mp: _write(t / "report.xml", f'<catalog xmlns="{NS}"/>'),
        "not a Cellebrite report",
    ),
]


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("make", "message"), [(m, msg) for _, m, msg in BAD_INPUTS], ids=[i for i, _, _ in BAD_INPUTS]
)
def test_bad_input_is_refused_and_changes_nothing(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make: Maker, message: str
) -> None:
    path = make(tmp_path, monkeypatch)
    before = stats(case)
    with pytest.raises(CaseError, match=message) as caught:
        import_file(case, path)
    text = str(caught.value)
    assert text.startswith(f"{path.name} could not be imported: ") and "\n" not in text
    assert "Traceback" not in text
    assert stats(case) == before
    assert _one(case, "SELECT count(*) FROM sources") == 0
