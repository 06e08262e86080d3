"""Section 3: the link chart on a landscape page, its legend, and the table behind it.

Which chart: the saved view named in the `brief_chart_view` setting (or passed in), else the
suspects and victims and what is directly tied to them (two steps out is already too much
to read on the demo case), else the whole case. Every line on the chart is numbered (L1,
L2 ...) and listed with its dates and exhibit, so each element traces to its records
(FRE 1006).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.platypus import Flowable, NextPageTemplate, PageBreak, Spacer  # type: ignore[import-untyped]

from analyst_app.brief import data
from analyst_app.brief.chart import chart_drawing, legend
from analyst_app.brief.context import Ctx
from analyst_app.graph import EVENT, LINK, ChartGraph, Positions, build_graph, edge_events, layout

MAX_CHART = 2500
MAX_LINK_ROWS = 600
Progress = Callable[[str], None]


def choose_chart(ctx: Ctx, view_name: str | None) -> tuple[ChartGraph, Positions, str]:
    name = view_name or str(ctx.settings.get("brief_chart_view") or "") or None
    view = data.chart_view(ctx.case, name) if name else None
    if view is not None:
        saved = view.get("positions")
        ids = sorted(saved) if isinstance(saved, dict) else sorted(view.get("ids") or [])
        # What the analyst hid in the view stays out of the brief too.
        hidden = {str(i) for i in view.get("hidden") or []}
        ids = [i for i in ids if i not in hidden]
        if ids:
            chart = build_graph(ctx.case, focus=ids, depth=0).subgraph(ids)
            positions = _positions(saved, chart) if isinstance(saved, dict) else None
            if positions is None:
                positions = layout(chart, str(view.get("layout") or "force"), seed=0)
            return chart, positions, f"the saved chart view “{name}”"
    subjects = [p.id for p in data.all_persons(ctx.case) if p.role in ("suspect", "victim")]
    if subjects:
        chart = build_graph(ctx.case, focus=subjects, depth=1)
        what = "the suspects and victims and the entities directly tied to them"
    else:
        chart = build_graph(ctx.case)
        what = "the whole case"
    if len(chart) > MAX_CHART:
        keep = sorted(chart.nodes, key=lambda i: (-chart.nodes[i].degree, i))[:MAX_CHART]
        chart = chart.subgraph(keep)
        what += f" (the {MAX_CHART:,} most connected entities)"
    return chart, layout(chart, "force", seed=0), what


def _positions(saved: dict[str, Any], chart: ChartGraph) -> Positions | None:
    try:
        return {i: (float(saved[i][0]), float(saved[i][1])) for i in chart.nodes}
    except (KeyError, TypeError, ValueError, IndexError):
        return None


def chart_section(ctx: Ctx, view_name: str | None, progress: Progress) -> list[Flowable]:
    chart, positions, what = choose_chart(ctx, view_name)
    progress(f"charting {len(chart):,} entities")
    ctx.preload(list(chart.nodes))
    number = {e.key: f"L{k}" for k, e in enumerate(chart.edges, start=1)}

    def caption(key: str) -> str:
        return number[key] if len(chart.edges) <= 400 else ""

    out: list[Flowable] = ctx.heading("3. Link chart")
    out.append(
        ctx.p(
            f"Summary chart (FRE 1006) of {ctx.text(what)}: {len(chart):,} entities and "
            f"{len(chart.edges):,} lines. Solid lines are confirmed, dashed lines unconfirmed "
            "or suspected; a line folds all events of one kind between two entities. Lines "
            "are numbered and listed after the chart with their dates and exhibits. The "
            "arrangement on the page is illustrative (FRE 107): distance means nothing.",
            ctx.styles.caption,
        )
    )
    colour = {t.name: t.color or "#607d8b" for t in ctx.case.schema.types.values()}
    drawing = chart_drawing(
        chart, positions, width=700, height=330, label=ctx.name,
        colour=colour, edge_caption=caption,
    )  # fmt: skip
    out.append(drawing)
    present: dict[str, int] = {}
    for node in chart.nodes.values():
        present[node.type] = present.get(node.type, 0) + 1
    types = [(t, ctx.type_label(t), colour.get(t, "#607d8b")) for t in sorted(present)]
    out += [Spacer(1, 4), legend(types, width=700, counts=present)]
    out += [NextPageTemplate("portrait"), PageBreak()]  # the line table reads upright
    out += ctx.heading("Lines on the chart", 1)
    progress("citing the chart's lines")
    out += _line_table(ctx, chart, number)
    return out


def _line_table(ctx: Ctx, chart: ChartGraph, number: dict[str, str]) -> list[Flowable]:
    edges = chart.edges[:MAX_LINK_ROWS]
    link_prov = data.provenance(ctx.case, [e.key for e in edges if e.kind == LINK])
    rows = []
    for edge in edges:
        if edge.kind == LINK:
            cites = link_prov.get(edge.key, [])
            extra = 0
        else:
            ids = edge_events(ctx.case, edge, chart)
            sample = ids[:2]
            cites = [c for cs in data.provenance(ctx.case, sample).values() for c in cs]
            extra = len(ids) - len(sample)
        when = ctx.local_date(edge.first) if edge.first else ""
        if edge.last and edge.last[:10] != (edge.first or "")[:10]:
            when += f" to {ctx.local_date(edge.last)}"
        what = edge.label if edge.kind == EVENT else edge.type.replace("_", " ")
        rows.append(
            [
                number[edge.key],
                ctx.name(edge.source),
                ctx.redactor.text(what),
                ctx.name(edge.target),
                when or "undated",
                edge.status,
                ctx.p(ctx.notes.mark(cites, extra=extra), ctx.styles.cell),
            ]
        )
    out: list[Flowable] = ctx.long_table(
        ["Line", "From", "What", "To", "When (local)", "Status", "Note"],
        rows,
        [30, 110, 80, 110, 100, 62, 28],
    )
    if len(chart.edges) > MAX_LINK_ROWS:
        out.append(
            ctx.p(
                f"{len(chart.edges) - MAX_LINK_ROWS:,} further lines are not listed here; "
                "`threadline export` gives every line with its records.",
                ctx.styles.caption,
            )
        )
    return out + ctx.notes.flush()
