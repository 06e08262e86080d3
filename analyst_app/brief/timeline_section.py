"""Section 4: events over time, the hour-by-weekday heat map, and a chronology of key events.

Figures come from analyst_app.timeline (the same numbers the app's timeline shows), in the
case's time zone. The heat map outlines business hours, because after-hours activity at a
business is the pattern a reader is asked to see.
"""

from __future__ import annotations

from reportlab.graphics.shapes import Drawing, Line, Rect, String  # type: ignore[import-untyped]
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.platypus import CondPageBreak, Flowable, Spacer  # type: ignore[import-untyped]

from analyst_app.brief import data
from analyst_app.brief.context import Ctx
from analyst_app.brief.styles import BOLD, FONT, INK, MUTED, esc
from analyst_app.timeline import WEEKDAYS, HeatMap, heatmap, histogram

BAR = colors.HexColor("#1e88e5")
CHRONOLOGY_TYPES = ("Tip", "Meeting", "Travel")
CHRONOLOGY_ROWS = 60


def histogram_drawing(bins: list[tuple[str, str, int]], ctx: Ctx, width: float) -> Drawing:
    height = 150.0
    d = Drawing(width, height)
    if not bins:
        d.add(String(width / 2, height / 2, "No timed events.", fontName=FONT, fontSize=9,
                     textAnchor="middle"))  # fmt: skip
        return d
    left, bottom, top = 34.0, 26.0, 10.0
    plot_w, plot_h = width - left - 6, height - bottom - top
    peak = max(n for _, _, n in bins) or 1
    step = plot_w / len(bins)
    d.add(Line(left, bottom, left + plot_w, bottom, strokeColor=INK, strokeWidth=0.5))
    d.add(Line(left, bottom, left, bottom + plot_h, strokeColor=INK, strokeWidth=0.5))
    for frac in (0.5, 1.0):
        y = bottom + plot_h * frac
        d.add(Line(left - 2, y, left + plot_w, y, strokeColor=colors.HexColor("#e0e0e0"),
                   strokeWidth=0.3))  # fmt: skip
        d.add(String(left - 4, y - 2.5, f"{round(peak * frac):,}", fontName=FONT, fontSize=6.5,
                     fillColor=MUTED, textAnchor="end"))  # fmt: skip
    every = max(1, len(bins) // 8)
    for k, (start, _end, n) in enumerate(bins):
        h = plot_h * n / peak
        d.add(Rect(left + k * step + 0.4, bottom, max(0.4, step - 0.8), h, fillColor=BAR,
                   strokeColor=None))  # fmt: skip
        if k % every == 0:
            d.add(String(left + k * step, bottom - 10, ctx.local_date(start), fontName=FONT,
                         fontSize=6.5, fillColor=MUTED))  # fmt: skip
    return d


def heatmap_drawing(hm: HeatMap, width: float, title: str) -> Drawing:
    left, top, bottom = 62.0, 16.0, 18.0
    cell_w = (width - left - 4) / 24
    cell_h = 14.0
    height = top + 7 * cell_h + bottom
    d = Drawing(width, height)
    d.add(String(0, height - 10, title, fontName=BOLD, fontSize=8, fillColor=INK))
    peak = max((n for day in hm.counts for n in day), default=0) or 1
    for day in range(7):
        y = height - top - (day + 1) * cell_h
        d.add(String(left - 4, y + 4, WEEKDAYS[day][:3], fontName=FONT, fontSize=7,
                     fillColor=INK, textAnchor="end"))  # fmt: skip
        for hour in range(24):
            n = hm.counts[day][hour]
            x = left + hour * cell_w
            shade = 1 - 0.85 * (n / peak) ** 0.6 if n else 1.0
            fill = colors.Color(shade, shade + (1 - shade) * 0.25, 1.0) if n else colors.white
            d.add(Rect(x, y, cell_w, cell_h, fillColor=fill,
                       strokeColor=colors.HexColor("#cfd8dc"), strokeWidth=0.3))  # fmt: skip
            if n and cell_w > 14:
                dark = shade < 0.55
                d.add(String(x + cell_w / 2, y + 4, f"{n}", fontName=FONT, fontSize=5.5,
                             fillColor=colors.white if dark else INK,
                             textAnchor="middle"))  # fmt: skip
    for hour in range(24):
        x = left + hour * cell_w
        if not hm.is_business_hour(hour):
            d.add(Rect(x, height - top - 7 * cell_h - 3, cell_w, 2,
                       fillColor=colors.HexColor("#b71c1c"), strokeColor=None))  # fmt: skip
        if hour % 3 == 0:
            d.add(String(x + 1, 3, f"{hour:02d}:00", fontName=FONT, fontSize=6.5,
                         fillColor=MUTED))  # fmt: skip
    return d


def timeline_section(ctx: Ctx, findings: list[data.FindingRec], width: float) -> list[Flowable]:
    out = ctx.heading("4. Timeline")
    tz = ctx.settings.get("time_zone") or "UTC"
    every = [data.Cite(s.id, "whole file") for s in ctx.sources]
    bins = histogram(ctx.case, bins="week")
    out.append(
        ctx.p(
            f"Events per week in the case, local time ({esc(str(tz))})." + ctx.notes.mark(every),
            ctx.styles.caption,
        )
    )
    out += [histogram_drawing(bins, ctx, width), Spacer(1, 8)]
    hm = heatmap(ctx.case)
    start, end = hm.business_hours
    share = 100 * hm.after_hours / hm.total if hm.total else 0.0
    out.append(
        ctx.p(
            f"Of {hm.total:,} timed events, {hm.after_hours:,} ({share:.0f}%) fall outside "
            f"business hours ({start} to {end}, {esc(hm.time_zone)}); {hm.untimed:,} events "
            "carry no time and are not placed on the map. A red bar under an hour marks it as "
            "after hours." + ctx.notes.mark(every)
        )
    )
    out.append(heatmap_drawing(hm, width, "All events: hour of day by day of week"))
    flagged = sorted({e for f in findings if f.severity == "high" for e in f.entities})
    if flagged:
        sub = heatmap(ctx.case, flagged)
        if sub.total:
            out += [Spacer(1, 6), heatmap_drawing(sub, width, "Entities in high-severity findings")]
            out.append(
                ctx.p(
                    f"{sub.after_hours:,} of their {sub.total:,} timed events fall after hours.",
                    ctx.styles.caption,
                )
            )
    out += ctx.notes.flush()
    out += [CondPageBreak(200), *_chronology(ctx)]
    return out


def _chronology(ctx: Ctx) -> list[Flowable]:
    out = ctx.heading("Chronology of reports, meetings and travel", 1)
    subjects = [p.id for p in data.all_persons(ctx.case) if p.role in ("suspect", "victim")]
    linked = [
        lk.target_id if lk.source_id == s else lk.source_id
        for s in subjects
        for lk in data.links_of(ctx.case, s, limit=30)
    ]
    found = data.events_involving(ctx.case, subjects + linked, CHRONOLOGY_TYPES, CHRONOLOGY_ROWS)
    if not found:
        return [*out, ctx.p("No reports, meetings or travel involve the subjects.")]
    ctx.preload(sorted({w for _, who in found for w in who}))
    prov = data.provenance(ctx.case, [e.id for e, _ in found])
    rows = []
    for event, who in found:
        said = str(event.properties.get("narrative") or event.properties.get("description") or "")
        what = event.label + (f": {said}" if said else "")
        names = ", ".join(sorted({ctx.name(w) for w in who}))
        rows.append(
            [
                ctx.local(event.start_utc),
                ctx.redactor.text(what[:400]),
                names,
                ctx.p(ctx.notes.mark(prov.get(event.id, [])), ctx.styles.cell),
            ]
        )
    out.append(ctx.table(["When (local)", "What", "Involves", "Note"], rows, [88, 250, 130, 28]))
    if len(found) == CHRONOLOGY_ROWS:
        listed = f"The first {CHRONOLOGY_ROWS} such events are listed."
        out.append(ctx.p(listed, ctx.styles.caption))
    return out + ctx.notes.flush()
