"""Sections 6 to 8 and the certification: exhibits, chain of custody, audit trail.

Electronic records self-authenticate by hash plus a certification (FRE 902(13)/(14)): each
exhibit is listed with its full SHA-256 on a line of its own (so it can be read and compared
character by character), its size, when it was acquired and imported and by which importer
version, and whether the file still hashes the same where the case found it.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer, Table  # type: ignore[import-untyped]

from analyst_app.brief.context import Ctx
from analyst_app.brief.front import analyst_name
from analyst_app.brief.styles import MONO, esc
from analyst_app.store.sources import VerifyReport

STATE_WORDS = {
    "matches": "re-hashed for this brief: matches",
    "changed": "re-hashed for this brief: DOES NOT MATCH",
    "not at hand": "not at its recorded path when this brief was made; not re-hashed",
}


def _size(n: int) -> str:
    return f"{n:,} bytes"


def _grading(pairs: list[tuple[str, int]]) -> str:
    if not pairs:
        return "no records"
    parts = [f"{code or 'ungraded'} ({n:,})" for code, n in pairs[:3]]
    return ", ".join(parts)


def exhibit_list(ctx: Ctx, grades: dict[int, list[tuple[str, int]]]) -> list[Flowable]:
    out = ctx.heading("6. Exhibit list")
    out.append(
        ctx.p(
            "Each source file is an exhibit. Threadline does not copy or change source files: "
            "it records their hash when importing them. Grading counts the records each file "
            f"gave, by grade in the {esc(str(ctx.settings.get('grading_scheme')))} scheme."
        )
    )
    s = ctx.styles
    if not ctx.sources:
        out.append(ctx.p("No source files have been imported into this case."))
    for src in ctx.sources:
        rows = [
            ["Exhibit", f"{src.exhibit}"],
            ["File", ctx.redactor.text(src.file_name)],
            ["Size", _size(src.size)],
            ["Importer", f"{src.importer} version {src.importer_version}"],
            ["Acquired", ctx.local(src.acquired_at) if src.acquired_at else "not recorded"],
            ["Imported", f"{ctx.local(src.imported_at)} by {ctx.redactor.text(src.imported_by)}"],
            ["Grading", _grading(grades.get(src.id, []))],
        ]
        table = ctx.table(None, rows, [70, 426])
        sha = Table(
            [[ctx.p("SHA-256", s.head_cell), ctx.p(src.sha256, s.cell_mono)]],
            colWidths=[70, 426],
        )
        sha.setStyle([("FONT", (0, 0), (-1, -1), MONO), ("LEFTPADDING", (0, 0), (-1, -1), 3),
                      ("VALIGN", (0, 0), (-1, -1), "TOP")])  # fmt: skip
        out.append(KeepTogether([table, sha, Spacer(1, 8)]))
    return out


def custody(ctx: Ctx, report: VerifyReport) -> list[Flowable]:
    out = ctx.heading("7. Chain of custody")
    checks = {c.source_id: c for c in report.sources}
    if not ctx.sources:
        out.append(ctx.p("No source files have been imported, so there is no exhibit to trace."))
    for src in ctx.sources:
        events = [
            a
            for a in ctx.audit
            if a.details.get("sha256") == src.sha256 or a.details.get("source_id") == src.id
        ]
        check = checks.get(src.id)
        state = STATE_WORDS.get(check.state, check.state) if check else "not checked"
        rows: list[list[Any]] = [
            ["Description", f"{ctx.redactor.text(src.file_name)}"
             + (f": {ctx.redactor.text(src.description)}" if src.description else "")],
            ["Collected", ctx.local(src.acquired_at, seconds=True) if src.acquired_at
             else "collection time not recorded in the case"],
            ["Received into the case", f"{ctx.local(src.imported_at, seconds=True)} by "
             f"{ctx.redactor.text(src.imported_by)} with importer {src.importer} "
             f"{src.importer_version}"],
            ["Hash at acquisition", "not recorded separately from the hash at ingest"],
            ["Hash at ingest", src.sha256],
            ["Storage", "original left at " + ctx.redactor.text(src.path or "an unrecorded path")
             + "; the case file holding its records is encrypted (SQLCipher, AES-256)"],
            ["Check", state],
        ]  # fmt: skip
        for a in events:
            rows.append(
                [
                    f"Audit entry {a.seq}",
                    f"{ctx.local(a.at, seconds=True)}, {ctx.redactor.text(a.analyst)}: "
                    f"{ctx.redactor.text(a.action)}",
                ]
            )
        block: list[Flowable] = [
            ctx.p(f"<b>Exhibit {src.exhibit}</b>", ctx.styles.body),
            ctx.table(None, rows, [120, 376], mono=()),
            Spacer(1, 8),
        ]
        out.append(KeepTogether(block))
    return out


def _summary(details: dict[str, Any]) -> str:
    if "file" in details and "format" in details:
        return (
            f"file {details['file']} ({details['format']}): {details.get('imported_rows', 0)} "
            f"rows imported, {details.get('quarantined_rows', 0)} quarantined"
        )
    parts = [f"{key}: {_short(details[key])}" for key in sorted(details)]
    return "; ".join(parts[:4]) + ("; …" if len(parts) > 4 else "")


def _short(value: Any) -> str:
    """A value in a few words: nested settings as name = value, long text cut."""
    if isinstance(value, dict):
        if set(value) == {"old", "new"}:
            return f"{_short(value['old'])} → {_short(value['new'])}"
        text = ", ".join(f"{k} = {_short(v)}" for k, v in sorted(value.items()))
    else:
        text = value if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def audit_appendix(ctx: Ctx, report: VerifyReport) -> list[Flowable]:
    out = ctx.heading("Appendix A. Audit trail")
    chain = report.chain
    # The count is of the entries listed (the snapshot), so a later brief does not change it.
    verdict = (
        f"The audit chain verifies: each entry's SHA-256 covers the one before it, so none of "
        f"the {len(ctx.audit):,} entries listed below was changed, removed or reordered."
        if chain.intact
        else f"The audit chain is BROKEN at entry {chain.first_broken}: {chain.reason}."
    )
    out.append(ctx.p(esc(verdict)))
    out.append(
        ctx.p(
            f"Entries up to the last change this brief covers ({esc(ctx.local(ctx.as_of))}) are "
            "listed; entries that record briefs being written are left out.",
            ctx.styles.caption,
        )
    )
    rows = [
        [
            str(a.seq),
            ctx.local(a.at, seconds=True),
            ctx.redactor.text(a.analyst),
            ctx.redactor.text(a.action),
            ctx.redactor.text(_summary(a.details)),
            a.hash[:16],
        ]
        for a in ctx.audit
    ]
    out += ctx.long_table(
        ["#", "When (local)", "Analyst", "Action", "Details", "Hash (first 16)"],
        rows,
        [26, 92, 60, 60, 176, 82],
        mono=(5,),
    )
    return out


def certification(ctx: Ctx) -> list[Flowable]:
    out = ctx.heading("Certification")
    who = esc(analyst_name(ctx))
    role_text = str(ctx.settings.get("analyst_role") or "intelligence analyst")
    role = esc(role_text)
    agency = ctx.text(str(ctx.settings.get("agency") or "the agency"))
    n = len(ctx.sources)
    paragraphs = [
        f"I, {who}, {role} with {agency}, certify that:",
        f"1. I prepared this brief for case {ctx.text(str(ctx.settings.get('case_number')))} "
        f"with {esc(ctx.version)}, from the case as recorded up to {esc(ctx.local(ctx.as_of))}.",
        f"2. The {n} exhibits listed in section 6 were read by the importers named there; each "
        "file's SHA-256 hash was computed when it was imported, and the case does not alter "
        "source files.",
        "3. Method: records were imported by the named importers, identifiers were normalised "
        "(telephone numbers to E.164), duplicates were joined only by an analyst's decision, "
        "and findings were computed by the rules and thresholds stated with each finding.",
        "4. Every factual statement in this brief carries a note naming the exhibit and the "
        "place in it (row, line or XML path) on which it rests. The link chart is a summary "
        "of those records; its layout is illustrative.",
        "5. Victims are named by pseudonym unless this is the version filed under seal.",
    ]
    out += [ctx.p(p) for p in paragraphs]
    out.append(Spacer(1, 36))
    sig = ctx.table(
        None,
        [["Signature", ""], ["Name", analyst_name(ctx)], ["Role", role_text],
         ["Date", ctx.local(ctx.as_of)[:10]]],
        [90, 260],
    )  # fmt: skip
    out += [CondPageBreak(120), sig]
    return out
