"""The online-ad rules' queries (findings.ads: personas, circuits, F14): ads, what posted
them, their image hashes and texts, and where they were posted (DESIGN.md keeps SQL in the
store package)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from analyst_app.store.rule_queries import in_list

if TYPE_CHECKING:
    from analyst_app.store.case import Case

Row = tuple[Any, ...]


def ad_details(case: Case, ads: Sequence[str]) -> list[Row]:
    """(id, label, city, posted_at, site) of these ads, by posted_at."""
    return case.conn.execute(
        "SELECT id, label, json_extract(properties, '$.city'), json_extract(properties,"
        f" '$.posted_at'), json_extract(properties, '$.site') FROM entities WHERE id IN"
        f" ({', '.join('?' * len(ads))}) ORDER BY json_extract(properties, '$.posted_at')",
        ads,
    ).fetchall()


def ad_ids(case: Case) -> set[str]:
    return {r[0] for r in case.conn.execute("SELECT id FROM entities WHERE type = 'OnlineAd'")}


def posted_pairs(case: Case) -> Iterator[tuple[str, str]]:
    """(what posted, what was posted) of every `posted` link."""
    return case.conn.execute("SELECT source_id, target_id FROM links WHERE type = 'posted'")


def ad_images(case: Case) -> Iterator[tuple[str, Any]]:
    """(ad id, image hash) for each hash of each ad that has any."""
    return case.conn.execute(
        "SELECT e.id, j.value FROM entities e, json_each(e.properties, '$.image_hash') j"
        " WHERE e.type = 'OnlineAd' AND json_extract(e.properties, '$.image_hash') IS NOT NULL"
    )


def ad_texts(case: Case) -> Iterator[tuple[str, Any, Any]]:
    """(ad id, title, body) of every ad."""
    return case.conn.execute(
        "SELECT id, json_extract(properties, '$.title'), json_extract(properties, '$.body')"
        " FROM entities WHERE type = 'OnlineAd'"
    )


def ad_posts(case: Case) -> Iterator[tuple[str, str, str, str]]:
    """(ad id, AdPost event id, start_utc, city) of every timed post that names a city."""
    return case.conn.execute(
        "SELECT x.entity_id, e.id, e.start_utc, json_extract(e.properties, '$.city') FROM events e"
        " JOIN event_entities x ON x.event_id = e.id AND x.role = 'ad' WHERE e.type = 'AdPost'"
        " AND e.start_utc IS NOT NULL AND json_extract(e.properties, '$.city') IS NOT NULL"
    )


def holder_identifiers_in_ads(case: Case, kinds: Sequence[str]) -> list[Row]:
    """(account, holder, link id, identifier id, type, label, ads it posted) for identifiers
    of these types that an account holder gives and that posted ads, by account and
    identifier (F14)."""
    return case.conn.execute(
        "SELECT o.target_id, o.source_id, u.id, i.id, i.type, i.label, count(DISTINCT p.target_id)"
        " FROM links o JOIN links u ON u.source_id = o.source_id AND u.type IN ('uses', 'lives_at')"
        " JOIN entities i ON i.id = u.target_id"
        " JOIN links p ON p.source_id = u.target_id AND p.type = 'posted'"
        f" WHERE o.type = 'owns' AND o.target_id LIKE 'account:%' AND {in_list('i.type', kinds)}"
        " GROUP BY 1, 2, 3, 4"
        " ORDER BY 1, 4"
    ).fetchall()


def ads_posted_by(case: Case, identifier: str) -> list[Row]:
    """(ad id, label, posted_at) of the first 25 ads the identifier posted, by posted_at."""
    return case.conn.execute(
        "SELECT a.id, a.label, json_extract(a.properties, '$.posted_at') FROM links p"
        " JOIN entities a ON a.id = p.target_id WHERE p.source_id = ? AND"
        " p.type = 'posted' ORDER BY 3 LIMIT 25",
        (identifier,),
    ).fetchall()
