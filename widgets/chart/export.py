"""Draw a case's chart without a window: PNG (QImage) or SVG (QSvgGenerator).

`threadline chart` calls `render` through importlib, so the core never imports Qt. The
picture is the widget's own scene (same items, same layers, same level-of-detail rules)
fitted into the page with a title line and a legend, so what the analyst sees and what a
report shows agree.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from analyst_app.graph import ChartGraph, build_graph, layout
from analyst_app.store.case import Case
from analyst_app.store.errors import CaseError

FORMATS = (".png", ".svg")


@dataclass(frozen=True)
class Rendered:
    path: Path
    entities: int
    links: int
    layout: str
    width: int
    height: int

    def as_dict(self) -> dict[str, object]:
        return {
            "file": str(self.path),
            "entities": self.entities,
            "links": self.links,
            "layout": self.layout,
            "width": self.width,
            "height": self.height,
        }


def _app() -> object:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication(["threadline"])


def chart_of(case: Case, focus: str | list[str] | None, depth: int) -> ChartGraph:
    try:
        return build_graph(case, focus=focus, depth=depth)
    except KeyError as exc:
        missing = str(exc.args[0]) if exc.args else repr(focus)
        raise CaseError(
            f"{missing[0].upper()}{missing[1:]}; `threadline search` finds ids."
        ) from None


def render(
    case: Case,
    out_path: str | Path,
    *,
    layout_name: str = "force",
    focus: str | None = None,
    depth: int = 1,
    width: int = 1920,
    height: int = 1080,
    seed: int = 0,
    view: str | None = None,
) -> Rendered:
    """Write the chart (whole case, or `focus` and `depth` hops around it) to PNG or SVG."""
    out = Path(out_path)
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise CaseError(f"The chart can be written as .png or .svg, not {suffix or 'no suffix'!r}.")
    if not out.parent.is_dir():
        raise CaseError(f"The folder {out.parent} does not exist.")
    _app()
    from widgets.chart.page import draw_page
    from widgets.chart.scene import ChartScene
    from widgets.chart.style import ChartStyle

    scene = ChartScene(case.schema, case.grading)
    hidden: set[str] = set()
    style = ChartStyle()
    if view is not None:
        from analyst_app.graph.views import load_view

        saved = load_view(case, view)
        asked = saved.focus if focus is None else focus
        chart = chart_of(case, asked, saved.depth if focus is None else depth)
        positions = layout(chart, "force", seed=seed, pinned=saved.positions_in(chart))
        hidden, style = set(saved.hidden), ChartStyle.from_dict(saved.style)
        pinned = set(saved.pinned)
        layout_name = "saved view"
    else:
        chart = chart_of(case, focus, depth)
        try:
            positions = layout(chart, layout_name, seed=seed)
        except ValueError as exc:
            raise CaseError(f"{str(exc).capitalize()}.") from None
        pinned = set()
    scene.populate(chart, positions, style, hidden=hidden, pinned=pinned)
    title = case.settings.get("title") or case.path.name
    draw_page(scene, out, width, height, title=title, subtitle=_subtitle(chart, focus, depth))
    return Rendered(
        out,
        scene.visible_entity_count(),
        scene.visible_link_count(),
        layout_name,
        width,
        height,
    )


def _subtitle(chart: ChartGraph, focus: str | None, depth: int) -> str:
    where = (
        f"around {chart.nodes[focus].label}, {depth} hop{'s' * (depth != 1)}"
        if (focus and focus in chart.nodes)
        else "whole case"
    )
    return f"{where}: {len(chart.nodes):,} entities, {len(chart.edges):,} links"
