"""Footnotes: every factual statement carries a number that leads to its exhibit and locator.

A statement gets one note listing the places it rests on (exhibit, file, locators, grouped by
exhibit); notes are numbered through the whole brief and printed in small type at the end of
the block that cites them, so the reader finds them on the same or the next page. A
statement with no recorded source says so in its note ("entered by the analyst") rather than
going uncited.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.platypus import Flowable, HRFlowable, Paragraph, Spacer  # type: ignore[import-untyped]

from analyst_app.brief.data import Cite, Source
from analyst_app.brief.redact import Redactor
from analyst_app.brief.styles import RULE, Styles, esc

SHOWN = 4  # locators listed per exhibit in one note; the rest are counted


class Citations:
    def __init__(self, sources: Sequence[Source], redactor: Redactor, styles: Styles) -> None:
        self.sources = {s.id: s for s in sources}
        self.redactor = redactor
        self.styles = styles
        self.count = 0
        self._pending: list[tuple[int, str]] = []
        self._by_text: dict[str, int] = {}

    def exhibit(self, source_id: int) -> str:
        src = self.sources.get(source_id)
        return f"Exh. {src.exhibit}" if src else f"source {source_id}"

    def note_text(self, cites: Sequence[Cite], extra: int = 0) -> str:
        if not cites:
            return "No source file recorded: entered by the analyst in the case."
        grouped: dict[int, list[str]] = {}
        for cite in sorted(set(cites), key=lambda c: (c.source_id, _natural(c.locator))):
            grouped.setdefault(cite.source_id, []).append(cite.locator)
        parts = []
        for sid, locators in grouped.items():
            src = self.sources.get(sid)
            name = self.redactor.text(src.file_name) if src else "unknown file"
            shown = ", ".join(self.redactor.text(loc) for loc in locators[:SHOWN])
            rest = len(locators) - SHOWN
            more = f" and {rest} more" if rest > 0 else ""
            parts.append(f"{self.exhibit(sid)} ({name}): {shown}{more}")
        tail = f"; {extra} further records not listed" if extra > 0 else ""
        return "; ".join(parts) + tail + "."

    def mark(self, cites: Sequence[Cite], extra: int = 0) -> str:
        """Paragraph mark-up for the note number of a statement resting on `cites`."""
        text = self.note_text(cites, extra)
        number = self._by_text.get(text)
        if number is None:
            self.count += 1
            number = self.count
            self._by_text[text] = number
            self._pending.append((number, text))
        return f"<super>{number}</super>"

    def flush(self) -> list[Flowable]:
        """The notes cited since the last flush, as a footnote block."""
        if not self._pending:
            return []
        out: list[Flowable] = [
            Spacer(1, 4),
            HRFlowable(width="30%", thickness=0.5, color=RULE, hAlign="LEFT", spaceAfter=2),
        ]
        out += [Paragraph(f"{n}. {esc(t)}", self.styles.note) for n, t in self._pending]
        self._pending = []
        self._by_text = {}
        return out


def _natural(locator: str) -> tuple[str, int, str]:
    """'row 9' before 'row 10'."""
    head, _, tail = locator.rpartition(" ")
    return (head, int(tail), "") if tail.isdigit() else (locator, 0, locator)
