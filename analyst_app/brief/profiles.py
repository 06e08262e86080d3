"""Subject profiles: suspects, victims and the organisations findings name. No photographs.

Each profile gives what identifies the subject (properties, in redacted form by default),
its role, status and grading, the identifiers and places it is linked to, and a count of
the events it and those identifiers take part in, each line with its note.
"""

from __future__ import annotations

from reportlab.platypus import CondPageBreak, Flowable  # type: ignore[import-untyped]

from analyst_app.brief import data
from analyst_app.brief.context import Ctx, grade
from analyst_app.brief.styles import esc

MAX_SUBJECTS = 60
# Link types through which a person's identifiers (phones, accounts) are reached.
IDENTIFIER_LINKS = ("uses", "owns")


def subjects(ctx: Ctx, findings: list[data.FindingRec]) -> list[data.EntityRec]:
    persons = [p for p in data.all_persons(ctx.case) if p.role in ("suspect", "victim")]
    ctx.preload([e for f in findings for e in f.entities])
    orgs = {
        e.id: e
        for f in findings
        for i in f.entities
        if (e := ctx.entity(i)) is not None and e.type == "Organization"
    }
    order = {"suspect": 0, "victim": 1}
    ranked = sorted(persons, key=lambda p: (order[p.role or ""], ctx.name(p.id), p.id))
    return (ranked + sorted(orgs.values(), key=lambda o: (ctx.name(o.id), o.id)))[:MAX_SUBJECTS]


def profiles(ctx: Ctx, findings: list[data.FindingRec]) -> list[Flowable]:
    out = ctx.heading("2. Subject profiles")
    chosen = subjects(ctx, findings)
    if not chosen:
        out.append(ctx.p("No person in the case is recorded as a suspect or a victim."))
        return out
    out.append(
        ctx.p(
            "Suspects, then victims, then organisations named in findings. Profiles hold no "
            "photographs. Grading is the case's scheme (source reliability, then information "
            "credibility)."
        )
    )
    for subject in chosen:
        out.append(CondPageBreak(160))
        out += _profile(ctx, subject)
    return out


def _profile(ctx: Ctx, subject: data.EntityRec) -> list[Flowable]:
    name = ctx.name(subject.id)
    role = subject.role or ctx.type_label(subject.type).lower()
    out = ctx.heading(f"{name} ({role})", 1)
    prov = data.provenance(ctx.case, [subject.id])
    kind = ctx.type_label(subject.type)
    rows: list[list[str]] = [
        ["Recorded as", f"{kind}, {role}" if subject.role else kind],
        ["Status", subject.status],
        ["Grading", grade(ctx, subject.source_grade, subject.info_grade)],
    ]
    if subject.id in ctx.redactor.minors:
        rows.append(["Minor", "Yes: recorded as under 18. Identify by pseudonym or initials."])
    for key in sorted(subject.properties):
        if key == "name" or ctx.redactor.hidden_property(subject, key):
            continue
        value = subject.properties[key]
        values = value if isinstance(value, list) else [value]
        shown = "; ".join(ctx.redactor.value(key, str(v)) for v in values)
        if ctx.redactor.enabled and subject.id in ctx.redactor.pseudonyms and key == "alias":
            shown = "withheld (victim)"
        rows.append([_field_label(ctx, subject.type, key), shown])
    table = ctx.table(["Field", "Value"], rows, [110, 320])
    out += [table, ctx.p(f"Source of this record{ctx.notes.mark(prov.get(subject.id, []))}",
                         ctx.styles.caption)]  # fmt: skip

    links = data.links_of(ctx.case, subject.id, limit=15)
    others = [lk.target_id if lk.source_id == subject.id else lk.source_id for lk in links]
    ctx.preload(others)
    link_prov = data.provenance(ctx.case, [lk.id for lk in links])
    if links:
        link_rows = []
        for link, other in zip(links, others, strict=True):
            entity = ctx.entity(other)
            kind = ctx.type_label(entity.type) if entity else "record"
            when = str(link.properties.get("date") or link.properties.get("start") or "")
            link_rows.append(
                [
                    link.type.replace("_", " "),
                    f"{ctx.name(other)} ({kind})",
                    link.status + (f", {when[:10]}" if when else ""),
                    ctx.p(ctx.notes.mark(link_prov.get(link.id, [])), ctx.styles.cell),
                ]
            )
        out.append(ctx.p("<b>Linked to</b>", ctx.styles.small))
        out.append(ctx.table(["Link", "With", "Status", "Note"], link_rows, [70, 230, 100, 40]))
    ids = [subject.id] + [
        o for lk, o in zip(links, others, strict=True) if lk.type in IDENTIFIER_LINKS
    ]
    summary = data.event_summary(ctx.case, ids)
    if summary:
        event_rows = []
        for etype, count, first, last in summary:
            sample = data.first_events(ctx.case, ids, etype, 2)
            cites = [c for cs in data.provenance(ctx.case, sample).values() for c in cs]
            event_rows.append(
                [
                    ctx.type_label(etype),
                    f"{count:,}",
                    ctx.local(first),
                    ctx.local(last),
                    ctx.p(ctx.notes.mark(cites, extra=count - len(sample)), ctx.styles.cell),
                ]
            )
        out.append(
            ctx.p(
                "<b>Events</b> of this subject and the identifiers it uses or owns "
                + esc("(first and last, local time)"),
                ctx.styles.small,
            )
        )
        out.append(
            ctx.table(
                ["Event type", "Count", "First", "Last", "Note"], event_rows, [90, 50, 130, 130, 40]
            )
        )
    out += ctx.notes.flush()
    return out


def _field_label(ctx: Ctx, type_name: str, key: str) -> str:
    """The schema's label for a property ("Date of birth", "MCC"), else the name tidied."""
    typedef = ctx.case.schema.get(type_name)
    prop = typedef.properties.get(key) if typedef else None
    label = prop.label if prop and prop.label else key.replace("_", " ")
    return label[0].upper() + label[1:] if label else key
