"""Cellebrite UFDR: a phone extraction's report.xml, bare or inside its .ufdr zip.

The report is read as a stream (iterparse, each item dropped once it is turned into rows),
because reports of modern phones run to gigabytes. It is parsed only with defusedxml:
a report is evidence from a suspect's phone and may be crafted, so XML entities (billion
laughs, external files) are refused. The zip is never extracted: only report.xml is read,
and only after its central directory shows no member escaping the folder and no absurd
sizes; the bytes actually read are counted too, in case the headers lie.

Items become rows in `importers.ufdr_models`; this module finds them in the file.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import Element

from defusedxml.ElementTree import iterparse

from importers.base import EntityDraft, Props, ReadOptions, Row, Unreadable
from importers.safexml import XML_FAILURES, refusal
from importers.ufdr_models import (
    SUPPORTED,
    Report,
    at,
    identity,
    local,
    parse_model,
    render,
    rows_for,
)

name = "ufdr"
title = "Cellebrite UFDR report"
description = (
    "Phone extraction reports from Cellebrite UFED/Physical Analyzer: report.xml or a .ufdr "
    "archive. Calls, SMS, MMS, chats and contacts; the device's IMEI and number."
)
version = "1"
patterns = ("*.ufdr", "report.xml", "*.xml")

NAMESPACE = "http://pa.cellebrite.com/report/2.0"
MAX_REPORT_BYTES = 2 * 1024**3  # report.xml unpacked: far above real reports, below a bomb
# Only report.xml is ever unpacked, so the total only refuses directories that cannot be
# true; full file-system extractions of modern phones are legitimately hundreds of GiB.
MAX_TOTAL_BYTES = 1024**4
_READ_CHUNK = 64 * 1024
_META_ROW = "metadata"


def sniff(path: Path, head: bytes) -> float:
    if head.startswith(b"PK"):
        if path.suffix.lower() == ".ufdr":
            return 0.95
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError):
            return 0.0
        return 0.9 if any(n.casefold() == "report.xml" for n in names) else 0.0
    if path.suffix.lower() == ".ufdr":
        return 0.9  # claim it, so the analyst hears why it cannot be read
    text = _head_text(head)
    if NAMESPACE in text or "pa.cellebrite.com" in text:
        return 0.95
    return 0.5 if "<project" in text and "reportVersion" in text else 0.0


def _head_text(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore")
    return head.decode("utf-8", errors="ignore")


def read(path: Path, options: ReadOptions) -> Iterator[Row]:
    with ExitStack() as stack:
        stream, size, limit = _open_report(path, stack)
        counted = _Counted(stream, size, limit, options.progress)
        walker = _Walker(Report(time_zone=options.time_zone))
        try:
            yield from walker.rows(counted)
        except XML_FAILURES as exc:
            raise Unreadable(refusal(exc)) from None
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise Unreadable(f"its report.xml is damaged inside the archive ({exc})") from None
        except OSError as exc:
            raise Unreadable(f"it could not be read ({exc.strerror or exc})") from None
        if options.progress:
            options.progress(1.0)


def _size(n: int) -> str:
    for unit, scale in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} bytes"


def _open_report(path: Path, stack: ExitStack) -> tuple[IO[bytes], int, int | None]:
    """The report's byte stream, its size (for progress) and a byte limit (zips only)."""
    with path.open("rb") as handle:
        magic = handle.read(4)
    if not magic.startswith(b"PK") and path.suffix.lower() != ".ufdr":
        return stack.enter_context(path.open("rb")), path.stat().st_size, None
    try:
        archive = stack.enter_context(zipfile.ZipFile(path))
    except (zipfile.BadZipFile, OSError, EOFError):
        raise Unreadable(
            "it is not a UFDR archive: a .ufdr is a zip file and this is not one"
        ) from None
    report = _check_archive(archive)
    try:
        stream = stack.enter_context(archive.open(report))
    except NotImplementedError:
        raise Unreadable("its report.xml is compressed in a way Threadline cannot read") from None
    except RuntimeError:  # zipfile's way of saying "encrypted"
        raise Unreadable("its report.xml is password-protected") from None
    except zipfile.BadZipFile as exc:
        raise Unreadable(f"its report.xml is damaged inside the archive ({exc})") from None
    return stream, report.file_size, min(report.file_size, MAX_REPORT_BYTES)


def _escapes(member: str) -> bool:
    """A member name that would land outside the folder it is unpacked in."""
    name = member.replace("\\", "/")
    return name.startswith("/") or bool(re.match(r"[A-Za-z]:", name)) or ".." in name.split("/")


def _check_archive(archive: zipfile.ZipFile) -> zipfile.ZipInfo:
    """Refuse a dangerous or wrong archive from its central directory, before reading it."""
    report: zipfile.ZipInfo | None = None
    total = 0
    for info in archive.infolist():
        if _escapes(info.filename):
            raise Unreadable(
                f"it holds a file named {info.filename!r} that points outside the archive's "
                "folder, so Threadline will not read it"
            )
        total += info.file_size
        if info.filename.casefold() == "report.xml":
            report = info
    if total > MAX_TOTAL_BYTES:
        raise Unreadable(
            f"its files would unpack to {_size(total)}, more than the {_size(MAX_TOTAL_BYTES)} "
            "Threadline accepts; it may be a zip bomb"
        )
    if report is None:
        raise Unreadable("it is a zip archive without report.xml at its root, so not a UFDR")
    if report.file_size > MAX_REPORT_BYTES:
        raise Unreadable(
            f"its report.xml would unpack to {_size(report.file_size)}, more than the "
            f"{_size(MAX_REPORT_BYTES)} Threadline accepts; it may be a zip bomb"
        )
    if report.flag_bits & 0x1:
        raise Unreadable("its report.xml is password-protected; export the UFDR without one")
    return report


class _Counted:
    """A byte stream that counts what it gives: progress, and a limit the zip cannot lie past."""

    def __init__(
        self,
        inner: IO[bytes],
        size: int,
        limit: int | None,
        progress: Callable[[float], None] | None,
    ) -> None:
        self.inner, self.size, self.limit, self.progress = inner, size, limit, progress
        self.count = 0
        self._reported = 0.0

    def read(self, n: int = -1) -> bytes:
        data = self.inner.read(_READ_CHUNK if n is None or n < 0 else n)
        self.count += len(data)
        if self.limit is not None and self.count > self.limit:
            raise Unreadable(
                f"its report.xml unpacks to more than {_size(self.limit)}, more than its "
                "archive declares or Threadline accepts; it may be a zip bomb"
            )
        if self.progress and self.size:
            fraction = min(self.count / self.size, 1.0)
            if fraction - self._reported >= 0.01:
                self._reported = fraction
                self.progress(fraction)
        return data


class _Walker:
    """Walks the report's elements once, yielding rows and dropping what it has read.

    Depths: 1 project, 2 metadata/decodedData/taggedFiles..., 3 metadata item or
    modelType, 4 model. Elements are removed from their parent once used, so memory holds
    one item at a time however large the report.
    """

    def __init__(self, report: Report) -> None:
        self.report = report
        self.items: list[tuple[str, str]] = []  # metadata (name, value), all sections
        self.meta_done = False
        self.skipped: dict[str, tuple[int, str]] = {}  # unsupported type -> (count, first)
        self.position = 0

    def rows(self, source: _Counted) -> Iterator[Row]:
        stack: list[Element] = []
        events = iterparse(source, events=("start", "end"), forbid_entities=True)
        for event, elem in events:
            if event == "start":
                stack.append(elem)
                if len(stack) == 1 and local(elem.tag) != "project":
                    raise Unreadable(
                        f"it is not a Cellebrite report: its XML is <{local(elem.tag)}>, "
                        "not <project>"
                    )
                if len(stack) == 2 and local(elem.tag) == "decodedData":
                    yield from self.metadata_row()
                if len(stack) == 3:
                    self.position = 0
                continue
            stack.pop()
            depth = len(stack) + 1
            if depth == 2 and local(elem.tag) == "metadata":
                self.items.extend((i.get("name", ""), i.text or "") for i in elem)
            in_models = depth >= 3 and local(stack[1].tag) == "decodedData"
            if in_models and depth == 4 and local(stack[2].tag) == "modelType":
                yield from self.model(elem, stack[-1].get("type", ""))
            elif in_models and depth == 3:
                yield from self.type_done(elem.get("type", ""))
            if 2 <= depth <= 4 and local(stack[-1].tag) != "metadata":
                stack[-1].remove(elem)
        yield from self.metadata_row()

    def model(self, elem: Element, type_name: str) -> Iterator[Row]:
        self.position += 1
        locator = f"decodedData/modelType[@type='{type_name}']"
        if type_name not in SUPPORTED:
            count, first = self.skipped.get(type_name, (0, ""))
            self.skipped[type_name] = (count + 1, first or render(parse_model(elem)))
            return
        model = parse_model(elem)
        locator += f"/model[{at(model, self.position)}]"
        try:
            yield from rows_for(model, locator, self.report)
        except Exception as exc:  # one odd item must not stop a million-item import
            yield Row(locator, [], render(model), f"could not be read ({type(exc).__name__})")

    def type_done(self, type_name: str) -> Iterator[Row]:
        """Unsupported item types are one quarantine row per type: counted, not dropped."""
        if type_name in self.skipped:
            count, first = self.skipped.pop(type_name)
            yield Row(
                f"decodedData/modelType[@type='{type_name}']",
                [],
                first,
                f"{count} Cellebrite {type_name} item(s) not imported: "
                "Threadline has no record type for them",
            )

    def metadata_row(self) -> Iterator[Row]:
        if self.meta_done:
            return
        self.meta_done = True
        row = device_row(self.items, self.report)
        if row is not None:
            yield row


def _named(items: list[tuple[str, str]], pattern: str) -> list[str]:
    return [
        " ".join(v.split())
        for n, v in items
        if v.strip() and re.fullmatch(pattern, n.strip(), re.IGNORECASE)
    ]


def device_row(items: list[tuple[str, str]], report: Report) -> Row | None:
    """The extracted device (IMEI) and its own number (MSISDN), set on `report` for items.

    There is no owner Person: the report does not say who used the phone. The device and
    its number are tied together by being the same side of every call and message.
    """
    imeis = [
        i
        for i in _named(items, r"IMEI\s*\d?")
        if re.fullmatch(r"\d{14,16}", re.sub(r"[\s-]", "", i))
    ]
    notes = [
        f"{n.strip()}: {' '.join(v.split())}"
        for n, v in items
        if v.strip() and n.strip() in _NOTE_ITEMS
    ]
    drafts: list[EntityDraft] = []
    if imeis:
        props: Props = {"imei": imeis[0]}
        for prop, pattern in (("imsi", r"IMSI\s*\d?"), ("make", _MAKE), ("model", _MODEL)):
            found = _named(items, pattern)
            if found:
                props[prop] = found[0]
        extra = [f"IMEI {i}" for i in imeis[1:]]
        if notes or extra:
            props["notes"] = "; ".join(["Cellebrite extraction", *extra, *notes])
        report.device = EntityDraft("Device", "device", props)
        drafts.append(report.device)
    for number in _named(items, r"(MSISDN|Phone number)\s*\d?"):
        owner = identity(number)
        if owner is not None and owner.type == "Phone":
            owner.properties["notes"] = "number (MSISDN) of the SIM in the extracted phone"
            report.owner = owner
            drafts.append(owner)
            break
    if not drafts:
        given = _named(items, r"IMEI\s*\d?")
        if not given:
            return None
        return Row(_META_ROW, [], _raw(items), f"IMEI {given[0]!r} is not 14 to 16 digits")
    return Row(_META_ROW, list(drafts), _raw(items))


def _raw(items: list[tuple[str, str]]) -> str:
    return "; ".join(f"{n}={' '.join(v.split())}" for n, v in items if v.strip())[:2000]


_MAKE = r"(Selected )?Manufacturer|Device Manufacturer"
_MODEL = r"Selected Device Name|Device Model|Model|Detected model"
_NOTE_ITEMS = frozenset(
    {"Detected model", "Phone revision", "OS Version", "Serial", "ICCID", "Unique Device ID",
     "Extraction start date/time", "Extraction end date/time", "Unit Version", "Case number",
     "Evidence number", "Examiner name"}
)  # fmt: skip

__all__ = ["description", "name", "patterns", "read", "sniff", "title", "version"]
