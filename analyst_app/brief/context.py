"""What every section needs: the case snapshot, the redactor, the notes, and drawing helpers.

Sections never read raw labels themselves: they name entities through `Ctx.name`, which
goes through the redactor, so a victim's name cannot slip into a section by a path that
forgot to redact.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.pdfbase.pdfmetrics import stringWidth  # type: ignore[import-untyped]
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle  # type: ignore[import-untyped]

from analyst_app import __version__
from analyst_app.brief import data
from analyst_app.brief.citations import Citations
from analyst_app.brief.redact import Redactor
from analyst_app.brief.styles import BAND, INK, RULE, Styles, esc
from analyst_app.brief.template import Heading

if TYPE_CHECKING:
    from analyst_app.store.case import Case

CHUNK = 60  # rows per table piece of a long table


@dataclass
class Ctx:
    case: Case
    settings: dict[str, Any]
    styles: Styles
    redactor: Redactor
    notes: Citations
    sources: list[data.Source]
    audit: list[data.AuditRec]
    as_of: str  # UTC ISO of the last change the brief covers
    zone: ZoneInfo
    entities: dict[str, data.EntityRec] = field(default_factory=dict)
    _keys: int = 0

    @property
    def version(self) -> str:
        return f"Threadline {__version__}"

    # -- naming ----------------------------------------------------------------------
    def entity(self, entity_id: str) -> data.EntityRec | None:
        if entity_id not in self.entities:
            found = data.entities(self.case, [entity_id])
            if entity_id not in found:
                return None
            self.entities.update(found)
        return self.entities[entity_id]

    def preload(self, ids: Sequence[str]) -> None:
        missing = [i for i in ids if i not in self.entities]
        if missing:
            self.entities.update(data.entities(self.case, missing))

    def name(self, entity_id: str) -> str:
        found = self.entity(entity_id)
        return self.redactor.label(found) if found else self.redactor.text(entity_id)

    def type_label(self, type_name: str) -> str:
        found = self.case.schema.get(type_name)
        return found.label if found else type_name

    def local(self, utc: str | None, *, seconds: bool = False) -> str:
        """A UTC ISO time as local date and time with the zone's abbreviation."""
        if not utc:
            return "not recorded"
        try:
            moment = datetime.fromisoformat(utc.replace("Z", "+00:00"))
        except ValueError:
            return utc
        if moment.tzinfo is None:
            return utc
        here = moment.astimezone(self.zone)
        return here.strftime("%Y-%m-%d %H:%M:%S %Z" if seconds else "%Y-%m-%d %H:%M %Z")

    def local_date(self, utc: str) -> str:
        return self.local(utc)[:10]

    # -- flowables -------------------------------------------------------------------
    def p(self, markup: str, style: Any = None) -> Paragraph:
        return Paragraph(markup, style or self.styles.body)

    def text(self, value: str) -> str:
        """Free text from the case, redacted and escaped for paragraph mark-up."""
        return esc(self.redactor.text(value))

    def heading(self, title: str, level: int = 0) -> list[Flowable]:
        self._keys += 1
        key = f"s{self._keys}"
        style = self.styles.h1 if level == 0 else self.styles.h2
        return [Heading(title, level, key), Paragraph(esc(title), style)]

    def table(
        self,
        header: Sequence[str] | None,
        rows: Sequence[Sequence[Any]],
        widths: Sequence[float],
        *,
        mono: Sequence[int] = (),
    ) -> Table:
        """A ruled table with a repeating header; str cells that need it wrap.

        A cell that fits on one line stays a plain string: reportlab draws those directly,
        where a paragraph per cell costs a line-breaking pass each (most of the time of a
        10,000-row evidence table went there).
        """
        s = self.styles
        body: list[list[Any]] = (
            [[Paragraph(esc(h), s.head_cell) for h in header]] if header is not None else []
        )
        for row in rows:
            body.append(
                [
                    self._cell(c, s.cell_mono if k in mono else s.cell, widths[k])
                    if isinstance(c, str)
                    else c
                    for k, c in enumerate(row)
                ]
            )
        first = 1 if header is not None else 0
        table = Table(body, colWidths=list(widths), repeatRows=first, hAlign="LEFT")
        header_style = (
            [("BACKGROUND", (0, 0), (-1, 0), BAND), ("LINEBELOW", (0, 0), (-1, 0), 0.6, RULE)]
            if header is not None
            else []
        )
        fonts = [
            ("FONT", (k, first), (k, -1), st.fontName, st.fontSize, st.leading)
            for k in range(len(widths))
            for st in [s.cell_mono if k in mono else s.cell]
        ]
        table.setStyle(
            TableStyle(
                [
                    *header_style,
                    *fonts,
                    ("TEXTCOLOR", (0, first), (-1, -1), INK),
                    ("LINEBELOW", (0, first), (-1, -1), 0.25, colors.HexColor("#e0e0e0")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("TOPPADDING", (0, 0), (-1, -1), 2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                    ("LEFTPADDING", (0, 0), (-1, -1), 3),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        return table

    @staticmethod
    def _cell(text: str, style: Any, width: float) -> Any:
        if "\n" not in text and stringWidth(text, style.fontName, style.fontSize) <= width - 7:
            return text
        return Paragraph(esc(text), style)

    def long_table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[Any]],
        widths: Sequence[float],
        *,
        mono: Sequence[int] = (),
    ) -> list[Flowable]:
        """A table of any length as tables of CHUNK rows: reportlab re-measures every
        remaining row each time one table splits across a page, which is quadratic."""
        return [
            self.table(header, rows[i : i + CHUNK], widths, mono=mono)
            for i in range(0, max(1, len(rows)), CHUNK)
        ]


def grade(ctx: Ctx, source: str | None, info: str | None) -> str:
    if not source and not info:
        return "ungraded"
    return f"{source or '-'}{info or '-'}"
