"""Build the brief: gather the snapshot, lay out the sections, write the PDF, audit it.

The PDF is written to a temporary file beside the target and renamed into place only when
it is complete, so a cancelled or failed build never leaves half a brief where a finished
one was expected. reportlab's invariant mode fixes the document id and dates, and every
list is sorted, so the same case and options give the same bytes.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from reportlab.platypus import Flowable, NextPageTemplate, PageBreak  # type: ignore[import-untyped]

from analyst_app import __version__
from analyst_app.brief import data
from analyst_app.brief.chart_section import chart_section
from analyst_app.brief.citations import Citations
from analyst_app.brief.context import Ctx
from analyst_app.brief.exhibits import audit_appendix, certification, custody, exhibit_list
from analyst_app.brief.findings_section import findings_section
from analyst_app.brief.front import analyst_name, contents_page, cover, summary
from analyst_app.brief.profiles import profiles
from analyst_app.brief.redact import Redactor
from analyst_app.brief.styles import Styles
from analyst_app.brief.template import BriefDoc, PageMarks
from analyst_app.brief.timeline_section import timeline_section
from analyst_app.store.errors import CaseError
from analyst_app.store.sources import verify

if TYPE_CHECKING:
    from analyst_app.store.case import Case

Progress = Callable[[float], None]
Cancelled = Callable[[], bool]


class BriefCancelled(CaseError):
    """The analyst stopped the build; nothing was written."""


class BriefError(CaseError):
    pass


@dataclass(frozen=True)
class BriefResult:
    path: Path
    pages: int
    sha256: str
    redacted: bool
    victims: int
    findings: int
    exhibits: int


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise BriefError(f"The case's time zone {name!r} is not known; set a valid one.") from None


def _potential_victims(case: Case) -> frozenset[str]:
    """The findings engine's wider net of victims (namesakes, twins), when it is present."""
    try:
        module = importlib.import_module("analyst_app.findings.victims")
    except ImportError:
        return frozenset()
    found: frozenset[str] = frozenset(module.potential_victims(case))
    return found


def gather(case: Case, *, redact: bool) -> Ctx:
    """The snapshot every section reads (no drawing yet)."""
    settings = case.settings
    audit = data.audit_snapshot(case)
    as_of = audit[-1].at if audit else "1970-01-01T00:00:00Z"
    moment = datetime.fromisoformat(as_of.replace("Z", "+00:00")).astimezone(UTC)
    redactor = Redactor(
        enabled=redact,
        persons=data.all_persons(case),
        accounts=data.entities_of_type(case, "Account"),
        addresses=data.entities_of_type(case, "Address"),
        homes=data.home_address_ids(case),
        as_of=moment.date(),
        also_victims=_potential_victims(case),
    )
    styles = Styles()
    sources = data.sources(case)
    return Ctx(
        case=case,
        settings=settings,
        styles=styles,
        redactor=redactor,
        notes=Citations(sources, redactor, styles),
        sources=sources,
        audit=audit,
        as_of=as_of,
        zone=_zone(str(settings.get("time_zone") or "UTC")),
    )


def build_brief(
    case: Case,
    out_path: str | Path,
    *,
    redact: bool = True,
    progress: Progress | None = None,
    cancel: Cancelled | None = None,
    chart_view: str | None = None,
    compress: bool = True,
) -> BriefResult:
    """Write the brief of `case` to `out_path` and record it in the audit trail.

    `progress(fraction)` is called as work advances; `cancel()` returning true stops the
    build with BriefCancelled and leaves `out_path` untouched. `compress=False` writes
    uncompressed page streams, for inspecting the file's bytes.
    """
    out = Path(out_path)
    if not out.parent.is_dir():
        raise BriefError(f"There is no folder {out.parent} to write the brief into.")
    report_to = progress or (lambda _f: None)
    reached = [0.0]

    def tell(fraction: float) -> None:
        # Layout runs in passes, each from page 1: report only forward movement.
        reached[0] = max(reached[0], fraction)
        report_to(reached[0])

    def step(fraction: float) -> None:
        if cancel is not None and cancel():
            raise BriefCancelled("The brief was cancelled; no file was written.")
        tell(fraction)

    step(0.0)
    ctx = gather(case, redact=redact)
    findings = data.findings(case)
    ran = data.findings_run(case)
    step(0.1)
    report = verify(case)
    sections: list[tuple[str, Callable[[], list[Flowable]]]] = [
        ("portrait", lambda: contents_page(ctx)),
        ("portrait", lambda: summary(ctx, findings, ran)),
        ("portrait", lambda: profiles(ctx, findings)),
        ("landscape", lambda: chart_section(ctx, chart_view, lambda _m: step(0.35))),
        ("portrait", lambda: timeline_section(ctx, findings, width=496)),
        ("portrait", lambda: findings_section(ctx, findings, ran)),
        ("portrait", lambda: exhibit_list(ctx, data.source_grades(case))),
        ("portrait", lambda: custody(ctx, report)),
        ("portrait", lambda: audit_appendix(ctx, report)),
        ("portrait", lambda: certification(ctx)),
    ]
    story: list[Flowable] = cover(ctx)
    for k, (page, make) in enumerate(sections):
        story += [NextPageTemplate(page), PageBreak(), *make()]
        step(0.1 + 0.45 * (k + 1) / len(sections))
    step(0.55)
    pages = _write(ctx, story, out, compress, step)
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    with case.write(
        "brief",
        {
            "file": out.name,
            "sha256": digest,
            "pages": pages,
            "redacted": redact,
            "as_of": ctx.as_of,
            "version": __version__,
        },
    ):
        pass
    tell(1.0)
    return BriefResult(
        out, pages, digest, redact, len(set(ctx.redactor.pseudonyms.values())), len(findings),
        len(ctx.sources),
    )  # fmt: skip


def _write(
    ctx: Ctx, story: list[Flowable], out: Path, compress: bool, step: Callable[[float], None]
) -> int:
    s = ctx.settings
    marks = PageMarks(
        marking=str(s.get("handling_marking") or "LAW ENFORCEMENT SENSITIVE"),
        case_number=str(s.get("case_number") or "not set"),
        bates_prefix=str(s.get("bates_prefix") or "TL"),
        sealed=not ctx.redactor.enabled,
    )
    title = f"Prosecution brief, case {marks.case_number}"
    meta: dict[str, Any] = {
        "title": ctx.redactor.text(title + ("" if ctx.redactor.enabled else " (UNDER SEAL)")),
        "author": ctx.redactor.text(analyst_name(ctx)),
        "subject": marks.marking,
        "creator": ctx.version,
        "keywords": [],
    }
    fd, temp_name = tempfile.mkstemp(prefix=".brief-", suffix=".pdf", dir=out.parent)
    os.close(fd)
    temp = Path(temp_name)
    try:
        doc = BriefDoc(str(temp), marks, compress, **meta)
        expected = [1]

        def after_page() -> None:
            expected[0] = max(expected[0], doc.total)
            step(0.55 + 0.4 * min(1.0, doc.page / max(expected[0], doc.page + 20)))

        doc.afterPage = after_page
        doc.multiBuild(story, maxPasses=6)
        os.replace(temp, out)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return int(doc.total)
