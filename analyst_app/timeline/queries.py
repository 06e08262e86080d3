"""The timeline's questions to a case; the SQL is in store.timeline_queries and lane_queries.

DESIGN.md keeps SQL inside the store package (so a server backend can be added later): the
readers are re-exported here under their old names, which the timeline modules, the
widgets and the tests use. Only the cancel hook is the timeline's own: the store calls a
plain callback between batches, and here that callback asks `cancelled()`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from analyst_app.store import lane_queries
from analyst_app.store.lane_queries import (
    FETCH_BATCH,
    entity_times,
    event_participants,
    event_row,
    event_rowids,
    lane_event_count,
    lane_untimed,
)
from analyst_app.store.timeline_queries import (
    counts_by_prefix,
    counts_by_step,
    entities_by_type,
    entity_counts_by_prefix,
    entity_event_counts,
    entity_labels,
    partners_by_type,
    span,
    untimed_count,
    with_role,
)
from analyst_app.timeline.work import Cancelled, check

if TYPE_CHECKING:
    from analyst_app.store.case import Case

__all__ = [
    "CONTEXT_TYPES",
    "FETCH_BATCH",
    "counts_by_prefix",
    "counts_by_step",
    "entities_by_type",
    "entity_counts_by_prefix",
    "entity_event_counts",
    "entity_labels",
    "entity_times",
    "event_participants",
    "event_row",
    "event_rowids",
    "lane_columns",
    "lane_event_count",
    "lane_untimed",
    "partners_by_type",
    "span",
    "untimed_count",
    "with_role",
]

# Types that give context to a phone (its handset, the cell it used) rather than an actor
# to follow; they take part in most calls and would crowd people out of "most active".
CONTEXT_TYPES = ("CellSite", "Device")


def lane_columns(
    case: Case,
    entity_ids: Sequence[str],
    kinds: Sequence[str],
    cancelled: Cancelled | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each lane's timed events as numpy columns (see the store's `lane_columns`), with
    `cancelled()` asked every FETCH_BATCH rows: LoadCancelled stops the read."""
    return lane_queries.lane_columns(case, entity_ids, kinds, lambda: check(cancelled))
