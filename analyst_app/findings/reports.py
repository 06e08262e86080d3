"""Tips and worker reports: one identifier reported again and again; workers' complaints
that name the same employer."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from analyst_app.findings.context import RuleContext
from analyst_app.findings.model import Finding
from analyst_app.findings.victims import name_key

LIKERT = {"strongly disagree": 1, "disagree": 2, "neither agree nor disagree": 3, "agree": 4,
          "strongly agree": 5}  # fmt: skip
IDENTIFIER_TYPES = ("Phone", "Email", "Handle", "Vehicle")


def tip_identifiers(ctx: RuleContext) -> list[Finding]:
    t = ctx.thresholds["TIP-PHONE"]
    marks = ", ".join(f"'{k}'" for k in IDENTIFIER_TYPES)
    rows = ctx.q(
        "SELECT m.entity_id, i.type, i.label, e.id, e.label, e.start_utc FROM event_entities m"
        " JOIN events e ON e.id = m.event_id AND e.type = 'Tip'"
        f" JOIN entities i ON i.id = m.entity_id AND i.type IN ({marks})"
        " WHERE m.entity_id IN (SELECT m2.entity_id FROM event_entities m2 JOIN events e2 ON"
        "  e2.id = m2.event_id AND e2.type = 'Tip' GROUP BY m2.entity_id"
        "  HAVING count(DISTINCT m2.event_id) >= ?) ORDER BY m.entity_id, e.start_utc",
        (t["min_tips"],),
    ).fetchall()
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
    for event, person, label in ctx.q(
        "SELECT x.event_id, x.entity_id, p.label FROM event_entities x JOIN entities p ON"
        " p.id = x.entity_id WHERE x.role = 'subject' AND"
        f" x.event_id IN ({', '.join('?' * len(tip_ids))}) ORDER BY x.entity_id",
        tip_ids,
    ):
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
    likes = (
        " AND ".join("json_extract(e.properties, '$.description') LIKE ?" for _ in topics) or "1"
    )
    rows = ctx.q(
        "SELECT e.id, e.start_utc, json_extract(e.properties, '$.description'), s.entity_id"
        " FROM events e JOIN event_entities s ON s.event_id = e.id AND s.role = 'sender'"
        f" WHERE e.type = 'Message' AND {likes}",
        [f"%{topic}:%" for topic in topics],
    )
    low: list[tuple[str, str, str, dict[str, int]]] = []
    for event, start, description, sender in rows:
        scores = _scores(description or "")
        if all(scores.get(topic, 99) <= t["max_score"] for topic in topics):
            low.append((event, start, sender, scores))
    senders = sorted({r[2] for r in low})
    employers: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    for start in range(0, len(senders), 500):
        chunk = senders[start : start + 500]
        for _org, label, phone in ctx.q(
            "SELECT o.id, o.label, l.target_id FROM links l JOIN entities o ON o.id = l.source_id"
            " AND o.type = 'Organization' WHERE l.type = 'mentioned_in' AND l.target_id IN"
            f" ({', '.join('?' * len(chunk))})",
            chunk,
        ):
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
    for eid, label in ctx.q("SELECT id, label FROM entities WHERE type = 'Organization'"):
        key = name_key(label)
        if key in keys:
            out[key].append(eid)
    return out
