"""Draw a case's chart without a window: PNG (QImage) or SVG (QSvgGenerator).

`threadline chart` calls `render` through importlib, so the core never imports Qt. The
picture is the widget's own scene (same items, same layers, same level-of-detail rules)
fitted into the page with a title line and a legend, so what the analyst sees and what a
report shows agree.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from analyst_app.collector import collection_paused
from analyst_app.graph import ChartGraph, build_graph, layout
from analyst_app.graph.overview import case_network, commonplace_note
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
    scope: str = "whole"  # what was drawn: "network", "whole", "focus" or "view"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": str(self.path),
            "entities": self.entities,
            "links": self.links,
            "layout": self.layout,
            "width": self.width,
            "height": self.height,
            "scope": self.scope,
        }


def _app() -> object:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication(["threadline"])


def chart_of(case: Case, focus: str | list[str] | None, depth: int) -> ChartGraph:
    """The chart around `focus`; an id merged into another since is read as the survivor."""
    if focus is not None:
        from analyst_app.graph.views import follow_merges

        asked = [focus] if isinstance(focus, str) else list(focus)
        now = follow_merges(case, asked)
        focus = sorted({now[i] or i for i in asked})  # gone: KeyError below names it
        if len(focus) == 1 and isinstance(asked, list) and len(asked) == 1:
            focus = focus[0]
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
    whole: bool = False,
) -> Rendered:
    """Write the chart to PNG or SVG: `focus` and `depth` hops around it, a saved `view`,
    the `whole` case, or by default the case network (overview.py: subjects first)."""
    out = Path(out_path)
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise CaseError(f"The chart can be written as .png or .svg, not {suffix or 'no suffix'!r}.")
    if not out.parent.is_dir():
        raise CaseError(f"The folder {out.parent} does not exist.")
    with collection_paused():  # 10,000 entities: 0.6 s of full collections otherwise
        return _render(case, out, layout_name, focus, depth, width, height, seed, view, whole)


def _render(
    case: Case,
    out: Path,
    layout_name: str,
    focus: str | None,
    depth: int,
    width: int,
    height: int,
    seed: int,
    view: str | None,
    whole: bool,
) -> Rendered:
    hidden: set[str] = set()
    pinned: set[str] = set()
    style: dict[str, object] = {}
    pins: dict[str, tuple[float, float]] | None = None
    if view is not None:
        from analyst_app.graph.views import load_view

        saved = load_view(case, view).current(case)
        asked = saved.focus if focus is None else focus
        chart = chart_of(case, asked, saved.depth if focus is None else depth)
        pins = saved.positions_in(chart)
        hidden, pinned, style = set(saved.hidden), set(saved.pinned), saved.style
        layout_name = "saved view"
    else:
        chart = chart_of(case, focus, depth)
        if focus is None and not whole:
            chart = case_network(case, chart)
    # The layout runs beside the start of Qt: igraph lets go of the interpreter while it
    # works, so on a second CPU the two overlap (0.2-0.3 s of a 10,000-entity chart).
    with ThreadPoolExecutor(max_workers=1) as pool:
        if pins is not None:
            work = pool.submit(layout, chart, "force", seed=seed, pinned=pins)
        else:
            work = pool.submit(layout, chart, layout_name, seed=seed)
        _app()
        from widgets.chart.page import draw_page
        from widgets.chart.scene import ChartScene
        from widgets.chart.style import ChartStyle

        scene = ChartScene(case.schema, case.grading)
        try:
            positions = work.result()
        except ValueError as exc:
            raise CaseError(f"{str(exc).capitalize()}.") from None
    look = ChartStyle.from_dict(style) if style else ChartStyle()
    scene.populate(chart, positions, look, hidden=hidden, pinned=pinned)
    title = case.settings.get("title") or case.path.name
    scope = _scope(chart, focus, depth)
    subtitle = f"{scope}: {len(chart.nodes):,} entities, {len(chart.edges):,} links"
    if "network" in chart.query:
        rest = int(chart.query.get("of", len(chart))) - len(chart.nodes)
        common = commonplace_note(chart)
        subtitle += (
            f"\n{rest:,} more entities in the case are not drawn"
            f"{', among them ' + common if common else ''}."
            " +N beside an entity: ties not drawn; --whole draws everything."
        )
    draw_page(scene, out, width, height, title=title, subtitle=subtitle)
    return Rendered(
        out,
        scene.visible_entity_count(),
        scene.visible_link_count(),
        layout_name,
        width,
        height,
        "view"
        if view
        else "focus"
        if focus
        else "network"
        if "network" in chart.query
        else "whole",
    )


def _scope(chart: ChartGraph, focus: str | None, depth: int) -> str:
    if focus and focus in chart.nodes:
        return f"around {chart.nodes[focus].label}, {depth} hop{'s' * (depth != 1)}"
    if "network" in chart.query:
        return "case network (suspects, victims, findings and their strongest ties)"
    return "whole case"
