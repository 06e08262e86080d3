"""Tips and worker reports: one identifier reported again and again; workers' complaints
that name the same employer."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from analyst_app.findings.context import RuleContext
from analyst_app.findings.model import Finding
from analyst_app.findings.victims import name_key
from analyst_app.store import report_queries as sql

LIKERT = {"strongly disagree": 1, "disagree": 2, "neither agree nor disagree": 3, "agree": 4,
          "strongly agree": 5}  # fmt: skip
IDENTIFIER_TYPES = ("Phone", "Email", "Handle", "Vehicle")


def tip_identifiers(ctx: RuleContext) -> list[Finding]:
    t = ctx.thresholds["TIP-PHONE"]
    rows = sql.identifiers_in_tips(ctx.case, IDENTIFIER_TYPES, t["min_tips"])
    by_ident: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for r in rows:
        by_ident[r[0]].append(r)
    out = []
    for ident, tips in by_ident.items():
        tip_ids = list(dict.fromkeys(r[3] for r in tips))
        subjects = likely_users(ctx, tip_ids)
        labels = ctx.labels(subjects)
        named = sorted({labels.get(s, s) for s in subjects})
        out.append(
            ctx.finding(
                "TIP-PHONE",
                f"{tips[0][1]} {tips[0][2]} in {len(tip_ids)} tips",
                "high" if len(tip_ids) >= 2 * t["min_tips"] else "medium",
                f"The {tips[0][1].lower()} {tips[0][2]} is named in {len(tip_ids)} separate tips"
                + (f", which name as suspects {', '.join(named)}" if named else "")
                + ". Independent reports that keep naming one identifier corroborate each other.",
                [ident, *subjects],
                ctx.evidence((r[3], f"{ctx.local(r[5])} {r[4]} names {r[2]}") for r in tips),
            )
        )
    return out


def likely_users(ctx: RuleContext, tip_ids: list[str]) -> list[str]:
    """Suspects named in more than half of these tips (by first name, since one tip says
    "Victor" and the next "Victor Placeholder"): the people an identifier most likely
    belongs to. Suspects named once beside it are left out."""
    if not tip_ids:
        return []
    named: dict[str, set[str]] = defaultdict(set)
    people: dict[str, list[str]] = defaultdict(list)
    for event, person, label in sql.tip_subjects(ctx.case, tip_ids):
        first = (name_key(label).split() or [""])[0]
        named[first].add(event)
        people[first].append(person)
    return [
        p
        for first, events in named.items()
        if first and len(events) * 2 > len(tip_ids)
        for p in dict.fromkeys(people[first])
    ]


def _scores(description: str) -> dict[str, int]:
    out = {}
    for line in description.splitlines():
        topic, _, answer = line.partition(":")
        score = LIKERT.get(answer.strip().lower())
        if score is not None:
            out[topic.strip().lower()] = score
    return out


def worker_voice(ctx: RuleContext) -> list[Finding]:
    t = ctx.thresholds["WORKER-VOICE"]
    topics = [str(x).lower() for x in t["topics"]]
    rows = sql.survey_answers(ctx.case, topics)
    low: list[tuple[str, str, str, dict[str, int]]] = []
    for event, start, description, sender in rows:
        scores = _scores(description or "")
        if all(scores.get(topic, 99) <= t["max_score"] for topic in topics):
            low.append((event, start, sender, scores))
    senders = sorted({r[2] for r in low})
    employers: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    for _org, label, phone in sql.employers_named(ctx.case, senders):
        employers[phone].add(name_key(label))
        names.setdefault(name_key(label), label)
    by_employer: dict[str, list[tuple[str, str, str, dict[str, int]]]] = defaultdict(list)
    for r in low:
        for employer in employers.get(r[2], ()):
            by_employer[employer].append(r)
    orgs = _organizations_named(ctx, set(by_employer))
    out = []
    for employer, msgs in sorted(by_employer.items()):
        workers = sorted({m[2] for m in msgs})
        if len(workers) < t["min_workers"]:
            continue
        labels = ctx.labels(workers)
        out.append(
            ctx.finding(
                "WORKER-VOICE",
                f"{len(workers)} workers of {names[employer]} report abuse",
                "high",
                f"{len(workers)} different phones answering the worker survey named "
                f"{names[employer]} as employer and strongly disagreed that things are fine on "
                f"{', '.join(topics)} ({len(msgs)} messages). Wages, freedom of movement and "
                "identity documents are ILO forced-labour indicators.",
                [*orgs.get(employer, []), *workers],
                ctx.evidence(
                    (
                        m[0],
                        f"{ctx.local(m[1])} {labels.get(m[2], m[2])} about {names[employer]}: "
                        + ", ".join(f"{k} {v}/5" for k, v in m[3].items() if k in topics),
                    )
                    for m in sorted(msgs, key=lambda m: m[1])
                ),
            )
        )
    return out


def _organizations_named(ctx: RuleContext, keys: set[str]) -> dict[str, list[str]]:
    """Every Organization whose name matches (unresolved duplicates across files too)."""
    out: dict[str, list[str]] = defaultdict(list)
    if not keys:
        return out
    for eid, label in sql.organization_labels(ctx.case):
        key = name_key(label)
        if key in keys:
            out[key].append(eid)
    return out
