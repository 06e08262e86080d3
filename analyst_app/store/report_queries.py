"""The queries of the rules on tips and worker reports (findings.reports: TIP-PHONE,
WORKER-VOICE, and who a tip names as suspect). DESIGN.md keeps SQL in the store package."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from analyst_app.store.rule_queries import in_list

if TYPE_CHECKING:
    from analyst_app.store.case import Case

Row = tuple[Any, ...]
CHUNK = 500


def identifiers_in_tips(case: Case, kinds: Sequence[str], min_tips: int) -> list[Row]:
    """(identifier id, type, label, tip id, tip label, tip start_utc) for identifiers of
    these types named in `min_tips` tips or more, by identifier and time."""
    return case.conn.execute(
        "SELECT m.entity_id, i.type, i.label, e.id, e.label, e.start_utc FROM event_entities m"
        " JOIN events e ON e.id = m.event_id AND e.type = 'Tip'"
        f" JOIN entities i ON i.id = m.entity_id AND {in_list('i.type', kinds)}"
        " WHERE m.entity_id IN (SELECT m2.entity_id FROM event_entities m2 JOIN events e2 ON"
        "  e2.id = m2.event_id AND e2.type = 'Tip' GROUP BY m2.entity_id"
        "  HAVING count(DISTINCT m2.event_id) >= ?) ORDER BY m.entity_id, e.start_utc",
        (min_tips,),
    ).fetchall()


def tip_subjects(case: Case, tips: Sequence[str]) -> list[tuple[str, str, str]]:
    """(tip id, person, person's label) of each subject these tips name, by person."""
    return case.conn.execute(
        "SELECT x.event_id, x.entity_id, p.label FROM event_entities x JOIN entities p ON"
        " p.id = x.entity_id WHERE x.role = 'subject' AND"
        f" x.event_id IN ({', '.join('?' * len(tips))}) ORDER BY x.entity_id",
        tips,
    ).fetchall()


def survey_answers(case: Case, topics: Sequence[str]) -> Iterator[tuple[str, str, Any, str]]:
    """(message id, start_utc, description, sender) of messages whose description answers
    every one of these (lower-case) topics ("topic: answer" lines)."""
    likes = (
        " AND ".join("json_extract(e.properties, '$.description') LIKE ?" for _ in topics) or "1"
    )
    return case.conn.execute(
        "SELECT e.id, e.start_utc, json_extract(e.properties, '$.description'), s.entity_id"
        " FROM events e JOIN event_entities s ON s.event_id = e.id AND s.role = 'sender'"
        f" WHERE e.type = 'Message' AND {likes}",
        [f"%{topic}:%" for topic in topics],
    )


def employers_named(case: Case, phones: Sequence[str]) -> Iterator[tuple[str, str, str]]:
    """(organization, its label, phone) of the Organizations `mentioned_in` these phones."""
    for start in range(0, len(phones), CHUNK):
        chunk = phones[start : start + CHUNK]
        yield from case.conn.execute(
            "SELECT o.id, o.label, l.target_id FROM links l JOIN entities o ON o.id = l.source_id"
            " AND o.type = 'Organization' WHERE l.type = 'mentioned_in' AND l.target_id IN"
            f" ({', '.join('?' * len(chunk))})",
            chunk,
        )


def organization_labels(case: Case) -> Iterator[tuple[str, str]]:
    """(id, label) of every Organization."""
    return case.conn.execute("SELECT id, label FROM entities WHERE type = 'Organization'")
