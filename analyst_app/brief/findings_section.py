"""Section 5: each red-flag finding with the rows behind it.

A finding's evidence rows each name their exhibit and the place in it, so the table is its
own citation; the finding's explanation carries a note to the same rows. Dismissed findings
are left out: the analyst decided they are not part of the case.
"""

from __future__ import annotations

import json

from reportlab.platypus import CondPageBreak, Flowable  # type: ignore[import-untyped]

from analyst_app.brief import data
from analyst_app.brief.context import Ctx
from analyst_app.brief.styles import SEVERITY, esc

MAX_ROWS = 10_000


def findings_section(
    ctx: Ctx, findings: list[data.FindingRec], findings_run: bool
) -> list[Flowable]:
    out = ctx.heading("5. Findings")
    if not findings_run:
        return [*out, ctx.p("No red-flag rules have been run on this case.")]
    if not findings:
        out.append(ctx.p("The red-flag rules were run; no finding stands (none was made, or the "
                         "analyst dismissed each one)."))  # fmt: skip
        return out
    out.append(
        ctx.p(
            f"{len(findings)} findings, most severe first. Each lists the records that triggered "
            "its rule; the thresholds are those in force when the rules were run."
        )
    )
    ctx.preload(sorted({e for f in findings for e in f.entities}))
    for number, finding in enumerate(findings, start=1):
        out.append(CondPageBreak(140))
        out += _finding(ctx, number, finding)
    return out


def _finding(ctx: Ctx, number: int, finding: data.FindingRec) -> list[Flowable]:
    out = ctx.heading(f"F{number}. {ctx.redactor.text(finding.title)}", 1)
    colour = SEVERITY.get(finding.severity, SEVERITY["low"]).hexval()[2:]
    cites = [
        data.Cite(int(e["source_id"]), str(e.get("locator", "")))
        for e in finding.evidence
        if e.get("source_id") is not None
    ]
    names = ", ".join(sorted(ctx.name(e) for e in finding.entities))
    out.append(
        ctx.p(
            f'<font color="#{colour}"><b>{esc(finding.severity.upper())}</b></font>'
            f" · {esc(finding.state)} · rule {esc(finding.rule)} · about {esc(names)}"
        )
    )
    out.append(
        ctx.p(ctx.text(finding.explanation) + ctx.notes.mark(cites[:12], extra=len(cites) - 12))
    )
    if finding.thresholds:
        shown = json.dumps(finding.thresholds, sort_keys=True, ensure_ascii=False)
        out.append(ctx.p(f"Thresholds: {ctx.text(shown)}", ctx.styles.caption))
    rows = []
    for k, ev in enumerate(finding.evidence[:MAX_ROWS], start=1):
        sid = ev.get("source_id")
        exhibit = ctx.notes.exhibit(int(sid)) if sid is not None else "none"
        rows.append(
            [
                str(k),
                ctx.redactor.text(str(ev.get("text", ""))),
                exhibit,
                ctx.redactor.text(str(ev.get("locator", ""))),
            ]
        )
    if rows:
        # The exhibit's file name and hash are in section 6; the number keeps rows one line.
        out += ctx.long_table(["#", "Record", "Exhibit", "Locator"], rows, [26, 350, 40, 80])
    if len(finding.evidence) > MAX_ROWS:
        out.append(ctx.p(f"{len(finding.evidence) - MAX_ROWS:,} further rows are not listed.",
                         ctx.styles.caption))  # fmt: skip
    return out + ctx.notes.flush()
