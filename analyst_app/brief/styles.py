"""Fonts and paragraph styles of the brief.

DejaVu Sans is embedded (subset) because reportlab's standard fonts cover Latin-1 only:
names in Cyrillic, Greek or with Latin accents would print as black boxes. The fonts and
their licence ship in resources/fonts/.
"""

from __future__ import annotations

from functools import cache
from xml.sax.saxutils import escape

from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.enums import TA_CENTER  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped]

from analyst_app.resources import resource_path

FONT = "ThreadlineSans"
BOLD = "ThreadlineSans-Bold"
MONO = "ThreadlineMono"

INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#9e9e9e")
BAND = colors.HexColor("#eceff1")
MARK = colors.HexColor("#b71c1c")
SEVERITY = {
    "high": colors.HexColor("#b71c1c"),
    "medium": colors.HexColor("#e65100"),
    "low": colors.HexColor("#546e7a"),
}


@cache
def register_fonts() -> None:
    for name, file in (
        (FONT, "DejaVuSans.ttf"),
        (BOLD, "DejaVuSans-Bold.ttf"),
        (MONO, "DejaVuSansMono.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", file))))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def _style(name: str, **kw: object) -> ParagraphStyle:
    base: dict[str, object] = {"fontName": FONT, "fontSize": 9.5, "leading": 13, "textColor": INK}
    base.update(kw)
    return ParagraphStyle(name, **base)  # type: ignore[arg-type]


class Styles:
    """The handful of styles the sections use (built after the fonts are registered)."""

    def __init__(self) -> None:
        register_fonts()
        self.body = _style("body", spaceAfter=5)
        self.small = _style("small", fontSize=8, leading=10)
        self.note = _style("note", fontSize=7.5, leading=9.5, textColor=MUTED, leftIndent=10,
                           firstLineIndent=-10)  # fmt: skip
        self.cell = _style("cell", fontSize=7.5, leading=9.5)
        self.cell_mono = _style("cell_mono", fontName=MONO, fontSize=6.8, leading=9)
        self.head_cell = _style("head_cell", fontName=BOLD, fontSize=7.5, leading=9.5)
        self.h1 = _style("h1", fontName=BOLD, fontSize=15, leading=19, spaceBefore=4,
                         spaceAfter=8)  # fmt: skip
        self.h2 = _style("h2", fontName=BOLD, fontSize=11.5, leading=15, spaceBefore=10,
                         spaceAfter=4)  # fmt: skip
        self.title = _style("title", fontName=BOLD, fontSize=24, leading=30, alignment=TA_CENTER)
        self.cover = _style("cover", fontSize=12, leading=18, alignment=TA_CENTER)
        self.cover_mark = _style("cover_mark", fontName=BOLD, fontSize=13, leading=18,
                                 alignment=TA_CENTER, textColor=MARK)  # fmt: skip
        self.toc1 = _style("toc1", fontSize=10.5, leading=16)
        self.toc2 = _style("toc2", fontSize=9, leading=12, leftIndent=18)
        self.caption = _style("caption", fontSize=8, leading=10, textColor=MUTED)


def esc(text: str) -> str:
    """Text made safe for reportlab's paragraph mark-up."""
    return escape(text)
