"""Read-only questions to a case: counts, full-text search, one record."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from analyst_app.model import Entity

if TYPE_CHECKING:
    from analyst_app.store.case import Case


def _counts(case: Case, table: str) -> dict[str, int]:
    rows = case.conn.execute(f"SELECT type, count(*) FROM {table} GROUP BY type ORDER BY type")
    return {t: n for t, n in rows}


def stats(case: Case) -> dict[str, Any]:
    """The `stats --json` shape: counts by schema type name, sources, quarantined rows."""
    one = case.conn.execute
    return {
        "entities": _counts(case, "entities"),
        "links": _counts(case, "links"),
        "events": _counts(case, "events"),
        "sources": one("SELECT count(*) FROM sources").fetchone()[0],
        "quarantined": one("SELECT count(*) FROM quarantine").fetchone()[0],
    }


@dataclass(frozen=True)
class SearchHit:
    id: str
    kind: str
    type: str
    label: str
    snippet: str

    def as_dict(self) -> dict[str, str]:
        return {
            "id": self.id,
            "kind": self.kind,
            "type": self.type,
            "label": self.label,
            "snippet": self.snippet,
        }


def fts_query(text: str) -> str:
    """Turn what an analyst types into an FTS5 query: every word must match, the last as a prefix.

    Each word is quoted so that FTS5 operators and punctuation in the input are only text.
    """
    if re.fullmatch(r"[\d\s().+\-]+", text) and re.search(r"\d", text):
        # A number typed the way it is written ("(555) 201-0"): one digit prefix.
        return '"' + re.sub(r"\D", "", text) + '"*'
    words = re.findall(r"\w+", text, flags=re.UNICODE)
    if not words:
        return ""
    quoted = ['"' + w.replace('"', '""') + '"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


CANDIDATES = 1000


def _relevance(hit: SearchHit, typed: str) -> tuple[int, int, str]:
    label = hit.label.casefold()
    exact = label == typed
    starts = label.startswith(typed)
    return (0 if exact else 1 if starts else 2, len(label), label)


def search(
    case: Case,
    text: str,
    *,
    limit: int = 50,
    kinds: tuple[str, ...] = ("entity", "event"),
    types: tuple[str, ...] = (),
) -> list[SearchHit]:
    """Every word must match (the last as a prefix); best label matches first.

    Ranking by bm25 scores every match: 70 ms for a two-letter prefix over 600k labels,
    where taking the first CANDIDATES matches and ordering those takes 1 ms. Typing one
    more letter narrows a large result set; small sets are ordered in full.
    """
    query = fts_query(text)
    if not query:
        return []
    found: list[tuple[SearchHit, str]] = []
    for kind, table in (("entity", "entities"), ("event", "events")):
        if kind not in kinds:
            continue
        type_filter = f" AND t.type IN ({', '.join('?' * len(types))})" if types else ""
        rows = case.conn.execute(
            f"SELECT t.id, t.type, t.label, t.search_text FROM ("
            f"  SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH ? LIMIT ?"
            f") m JOIN {table} t ON t.rowid = m.rowid WHERE 1{type_filter}",
            (query, CANDIDATES, *types),
        )
        found.extend((SearchHit(i, kind, t, label, ""), body) for i, t, label, body in rows)
    typed = " ".join(text.split()).casefold()
    found.sort(key=lambda item: _relevance(item[0], typed))
    words = [w.casefold() for w in re.findall(r"\w+", text)]
    return [replace(hit, snippet=snippet(body, words)) for hit, body in found[:limit]]


def snippet(body: str, words: list[str], width: int = 40) -> str:
    """The text around the first word that starts with a typed word, marked with [ ]."""
    if not body or not words:
        return ""
    for match in re.finditer(r"\w+", body):
        token = match.group().casefold()
        if any(token.startswith(w) for w in words):
            start, end = match.span()
            left = max(0, start - width)
            right = min(len(body), end + width)
            return (
                ("…" if left else "")
                + body[left:start]
                + "["
                + body[start:end]
                + "]"
                + body[end:right]
                + ("…" if right < len(body) else "")
            )
    return ""


def get_entity(case: Case, entity_id: str) -> Entity | None:
    row = case.conn.execute(
        "SELECT id, type, label, properties, status, role, source_grade, info_grade, handling"
        " FROM entities WHERE id = ?",
        (entity_id,),
    ).fetchone()
    if row is None:
        return None
    eid, etype, label, props, status, role, sg, ig, handling = row
    return Entity(
        type=etype,
        label=label,
        properties=json.loads(props),
        id=eid,
        status=status,
        role=role,
        source_grade=sg,
        info_grade=ig,
        handling=handling,
    )


def provenance(case: Case, object_id: str) -> list[dict[str, Any]]:
    rows = case.conn.execute(
        "SELECT s.id, s.file_name, s.sha256, p.locator FROM provenance p"
        " JOIN sources s ON s.id = p.source_id WHERE p.object_id = ? ORDER BY s.id, p.locator",
        (object_id,),
    )
    return [{"source_id": s, "file": f, "sha256": h, "locator": loc} for s, f, h, loc in rows]


def connection_counts(case: Case, entity_id: str) -> tuple[int, int]:
    """(links, events) an entity takes part in: how connected each side of a merge is."""
    row = case.conn.execute(
        "SELECT (SELECT COUNT(*) FROM links WHERE ? IN (source_id, target_id)),"
        " (SELECT COUNT(*) FROM event_entities WHERE entity_id = ?)",
        (entity_id, entity_id),
    ).fetchone()
    return int(row[0]), int(row[1])
