"""Cover, contents and summary: what the prosecutor reads first.

The summary states only what the case records support, each statement with its note; the
analyst's own narrative follows under its own heading, so the reader can tell the record
from the analyst's reading of it.
"""

from __future__ import annotations

from reportlab.platypus import CondPageBreak, Flowable, Spacer  # type: ignore[import-untyped]

from analyst_app.brief import data
from analyst_app.brief.context import Ctx
from analyst_app.brief.styles import esc
from analyst_app.brief.template import SEALED, contents

NARRATIVE_KEY = "narrative"


def analyst_name(ctx: Ctx) -> str:
    """Who signs: the case's analyst setting, else whoever made the last recorded change."""
    named = str(ctx.settings.get("analyst") or "").strip()
    if named:
        return named
    return ctx.audit[-1].analyst if ctx.audit else ctx.case.analyst


def cover(ctx: Ctx) -> list[Flowable]:
    s, st = ctx.settings, ctx.styles
    title = str(s.get("title") or "Case brief")
    redacted = ctx.redactor.enabled
    version = (
        "Redacted for filing: victims are named by pseudonym (Victim-1, Victim-2 ...), "
        "account numbers are cut to their last four digits, dates of birth to the year and "
        "home addresses to city and region."
        if redacted
        else f"{SEALED}. This version names victims and shows full identifiers; it must be "
        "filed under seal and not disclosed."
    )
    rows = [
        ("Case number", str(s.get("case_number") or "not set")),
        ("Agency", str(s.get("agency") or "not set")),
        ("Analyst", analyst_name(ctx)),
        ("Records as of", ctx.local(ctx.as_of)),
        ("Time zone", str(s.get("time_zone") or "UTC")),
        ("Prepared with", ctx.version),
    ]
    table = ctx.table(
        None, [[ctx.p(esc(k)), ctx.p(f"<b>{ctx.text(v)}</b>")] for k, v in rows], [130, 250]
    )
    return [
        Spacer(1, 90),
        ctx.p(esc(str(s.get("handling_marking") or "")), st.cover_mark),
        Spacer(1, 26),
        ctx.p("PROSECUTION BRIEF", st.cover),
        Spacer(1, 8),
        ctx.p(ctx.text(title), st.title),
        Spacer(1, 40),
        table,
        Spacer(1, 40),
        ctx.p(esc(version), st.cover_mark if not redacted else st.cover),
    ]


def contents_page(ctx: Ctx) -> list[Flowable]:
    return [ctx.p("Contents", ctx.styles.h1), contents(ctx.styles)]


def _all_exhibits(ctx: Ctx) -> list[data.Cite]:
    return [data.Cite(src.id, "whole file") for src in ctx.sources]


def summary(ctx: Ctx, findings: list[data.FindingRec], findings_run: bool) -> list[Flowable]:
    out = ctx.heading("1. Summary")
    n = data.counts(ctx.case)
    out.append(
        ctx.p(
            f"This brief sets out what case {ctx.text(str(ctx.settings.get('case_number')))} "
            f"records as of {esc(ctx.local(ctx.as_of))}: {n['entities']:,} people, "
            f"organisations and identifiers, {n['links']:,} links and {n['events']:,} events, "
            f"drawn from {n['sources']} source files (Exhibits 1 to {n['sources']}), each "
            f"identified by its SHA-256 hash in section 6." + ctx.notes.mark(_all_exhibits(ctx))
        )
    )
    if n["quarantine"]:
        out.append(
            ctx.p(
                f"{n['quarantine']:,} rows of those files could not be read and were kept "
                "aside unread (quarantined); no statement in this brief rests on them."
            )
        )
    persons = [p for p in data.all_persons(ctx.case) if p.role in ("suspect", "victim")]
    ctx.preload([p.id for p in persons])
    prov = data.provenance(ctx.case, [p.id for p in persons])
    out += ctx.heading("Facts the case records support", 1)
    for role, word in (("suspect", "suspects"), ("victim", "victims")):
        group = [p for p in persons if p.role == role]
        if not group:
            continue
        names = sorted({ctx.name(p.id) for p in group})
        cites = [c for p in group for c in prov.get(p.id, [])]
        minors = sum(1 for p in group if p.id in ctx.redactor.minors)
        minor_text = f" {minors} of them recorded as minors." if minors else ""
        out.append(
            ctx.p(
                f"The case records {len(names)} {word}: {esc(', '.join(names))}."
                + ctx.notes.mark(cites)
                + esc(minor_text)
            )
        )
    if not findings_run:
        out.append(ctx.p("No red-flag rules have been run on this case, so it holds no findings."))
    elif not findings:
        out.append(ctx.p("The red-flag rules were run and every finding was dismissed or none "
                         "was made."))  # fmt: skip
    for number, finding in enumerate(findings[:12], start=1):
        cites = [
            data.Cite(int(e["source_id"]), str(e.get("locator", "")))
            for e in finding.evidence
            if e.get("source_id") is not None
        ]
        shown = cites[:12]
        out.append(
            ctx.p(
                f"<b>Finding F{number}</b> ({esc(finding.severity)}): {ctx.text(finding.title)}. "
                f"{ctx.text(finding.explanation)}"
                + ctx.notes.mark(shown, extra=len(finding.evidence) - len(shown))
            )
        )
    if len(findings) > 12:
        out.append(ctx.p(f"{len(findings) - 12} further findings are set out in section 5."))
    out += ctx.notes.flush()
    narrative = str(ctx.settings.get(NARRATIVE_KEY) or "").strip()
    out.append(CondPageBreak(120))
    out += ctx.heading("The analyst's narrative", 1)
    if narrative:
        out.append(
            ctx.p(
                "<i>In the analyst's own words. The records behind it are cited in the "
                "sections that follow.</i>",
                ctx.styles.caption,
            )
        )
        for para in narrative.split("\n\n"):
            out.append(ctx.p(ctx.text(para.strip()).replace("\n", "<br/>")))
    else:
        out.append(ctx.p("The analyst has not written a narrative for this case."))
    return out
