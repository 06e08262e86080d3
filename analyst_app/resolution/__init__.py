"""Duplicate resolution for people and organizations. The analyst decides; nothing merges itself.

    for c in candidates(case):                  # best first, each with its reasons
        print(c.score, c.a_label, c.b_label, c.reasons)
    decide(case, c.a_id, c.b_id, "no_match", ["different dates of birth"])   # not asked again
    merge_id = merge(case, kept_id, merged_id)  # audited, keeps both records' provenance
    unmerge(case, merge_id)                     # puts every row back exactly

Identifier entities (phones, e-mails, accounts) need none of this: they take their id from
their normalized value, so every file that mentions a number lands on the same entity.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from analyst_app.resolution.candidates import (
    DEFAULT_MIN_SCORE,
    Cancelled,
    Candidate,
    Progress,
    find_candidates,
)
from analyst_app.resolution.merge import merge, unmerge
from analyst_app.resolution.profiles import load_profiles
from analyst_app.store import merging
from analyst_app.store.merging import MergeError

if TYPE_CHECKING:
    from analyst_app.store.case import Case

DECISIONS = ("match", "no_match")
RESOLVED_TYPES = ("Person", "Organization")


def candidates(
    case: Case,
    *,
    types: Sequence[str] = RESOLVED_TYPES,
    min_score: int = DEFAULT_MIN_SCORE,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> list[Candidate]:
    """Pairs of entities of one type that may be the same, best first, each with its score
    (0-100) and its reasons in plain words. Pairs the analyst has decided (match or no
    match) are not proposed again. Reads only; nothing changes in the case.

    For a worker thread: `progress(fraction)` is called as pairs are scored, and when
    `cancelled()` returns true the work stops and an empty list comes back. 50,000 people
    take about 8 s of CPU (bench/resolution.py)."""
    for kind in types:
        if kind not in case.schema.types:
            raise MergeError(f"there is no entity type {kind!r}.")
    decided = merging.decisions(case)
    profiles = load_profiles(case, tuple(types))
    if cancelled is not None and cancelled():
        return []
    found = find_candidates(
        profiles, lambda a, b: (a, b) in decided, min_score, progress, cancelled
    )
    return found or []


def decide(case: Case, a_id: str, b_id: str, decision: str, reasons: Iterable[str] = ()) -> None:
    """Remember the analyst's decision on a pair ('match' or 'no_match'), audited.

    A 'match' does not merge: merging is a separate, deliberate step (`merge`). Deciding
    again replaces the earlier decision, and the audit keeps both."""
    from analyst_app.store.case import utc_now

    if decision not in DECISIONS:
        raise MergeError(f"a decision is 'match' or 'no_match', not {decision!r}.")
    if a_id == b_id:
        raise MergeError("a decision needs two different entities.")
    for entity_id in (a_id, b_id):
        if merging.entity_row(case.conn, entity_id) is None:
            raise MergeError(f"there is no entity {entity_id!r} in this case.")
    why = list(reasons)
    details: dict[str, Any] = {"a": a_id, "b": b_id, "decision": decision, "reasons": why}
    with case.write("resolution decision", details) as conn:
        replaced = merging.save_decision(conn, a_id, b_id, decision, why, case.analyst, utc_now())
        if replaced is not None:
            details["replaced"] = replaced


def decisions(case: Case) -> dict[tuple[str, str], str]:
    """{(a_id, b_id): decision} with a_id < b_id."""
    return merging.decisions(case)


def merges(case: Case) -> list[dict[str, Any]]:
    """The merge history, newest first: id, kept_id, merged_id, decided_by, created_at,
    undone_at (None while the merge stands)."""
    return merging.merge_history(case)


__all__ = [
    "DECISIONS",
    "DEFAULT_MIN_SCORE",
    "RESOLVED_TYPES",
    "Candidate",
    "MergeError",
    "candidates",
    "decide",
    "decisions",
    "merge",
    "merges",
    "unmerge",
]
