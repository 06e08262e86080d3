"""The page: marking banner top and bottom, page X of Y, Bates number, bookmarks, contents.

"Page X of Y" needs Y before the last pass: the document is built in passes (multiBuild,
which the table of contents needs anyway) and each pass stamps the page count of the one
before; a pass is final only when its count matches. Bates numbers run with the physical
page (prefix + 6 digits), so they are continuous by construction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportlab.lib.pagesizes import landscape, letter  # type: ignore[import-untyped]
from reportlab.lib.units import inch  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate  # type: ignore[import-untyped]
from reportlab.platypus.tableofcontents import TableOfContents  # type: ignore[import-untyped]

from analyst_app.brief.styles import BOLD, FONT, MARK, MUTED, RULE

SEALED = "UNREDACTED - FILE UNDER SEAL"
MARGIN = 0.75 * inch


@dataclass(frozen=True)
class PageMarks:
    marking: str
    case_number: str
    bates_prefix: str
    sealed: bool

    def bates(self, page: int) -> str:
        return f"{self.bates_prefix}{page:06d}"


class Heading(Flowable):  # type: ignore[misc]
    """Marks where a section starts: a bookmark, an outline entry and a contents line."""

    def __init__(self, title: str, level: int, key: str) -> None:
        super().__init__()
        self.title, self.level, self.key = title, level, key
        self.width = self.height = 0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        pass


class BriefDoc(BaseDocTemplate):  # type: ignore[misc]
    def __init__(self, target: Any, marks: PageMarks, compress: bool, **kw: Any) -> None:
        super().__init__(
            target,
            pagesize=letter,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN + 0.2 * inch,
            bottomMargin=MARGIN + 0.2 * inch,
            invariant=1,
            pageCompression=1 if compress else 0,
            **kw,
        )
        self.marks = marks
        self.total = 0
        self._progress_pages = 0
        portrait = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="portrait")
        lw, lh = landscape(letter)
        wide = Frame(
            MARGIN, self.bottomMargin, lw - 2 * MARGIN, lh - self.bottomMargin - self.topMargin,
            id="landscape",
        )  # fmt: skip
        self.addPageTemplates(
            [
                PageTemplate("portrait", [portrait], onPage=self._decorate, pagesize=letter),
                PageTemplate(
                    "landscape", [wide], onPage=self._decorate, pagesize=landscape(letter)
                ),
            ]
        )

    # -- passes ----------------------------------------------------------------------
    def _allSatisfied(self) -> bool:
        settled: bool = super()._allSatisfied() and self.total == self.page
        self.total = self.page
        return settled

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, Heading):
            canvas: Canvas = self.canv
            canvas.bookmarkPage(flowable.key)
            canvas.addOutlineEntry(flowable.title, flowable.key, level=flowable.level)
            self.notify("TOCEntry", (flowable.level, flowable.title, self.page, flowable.key))

    # -- every page ------------------------------------------------------------------
    def _decorate(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        marks = self.marks
        width, height = canvas._pagesize
        page = canvas.getPageNumber()
        total = max(self.total, page)
        canvas.saveState()
        lines = [marks.marking] + ([SEALED] if marks.sealed else [])
        canvas.setFillColor(MARK)
        canvas.setFont(BOLD, 9)
        for i, line in enumerate(lines):
            canvas.drawCentredString(width / 2, height - 0.45 * inch - i * 11, line)
            canvas.drawCentredString(width / 2, 0.35 * inch + (len(lines) - 1 - i) * 11, line)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        top_rule = height - 0.55 * inch - (len(lines) - 1) * 11
        canvas.line(MARGIN, top_rule, width - MARGIN, top_rule)
        bottom_rule = 0.62 * inch + (len(lines) - 1) * 11
        canvas.line(MARGIN, bottom_rule, width - MARGIN, bottom_rule)
        canvas.setFillColor(MUTED)
        canvas.setFont(FONT, 8)
        y = bottom_rule - 9
        canvas.drawString(MARGIN, y + 12, f"Case {marks.case_number}")
        canvas.drawCentredString(width / 2, y + 12, f"Page {page} of {total}")
        canvas.setFont(BOLD, 8)
        canvas.drawRightString(width - MARGIN, y + 12, marks.bates(page))
        canvas.restoreState()


def contents(styles: Any) -> TableOfContents:
    toc = TableOfContents()
    toc.levelStyles = [styles.toc1, styles.toc2]
    toc.dotsMinLevel = 0
    return toc
