"""Everyday counterparties: the grocer most of the case's accounts pay, the landlord they
all rent from, the power company. Each is tied to everybody, so as a tie it says nothing
about anyone, and as "the busiest entity" it crowds out the people an analyst follows.

One rule for the chart's case network (ties in the graph: graph/overview.py) and the
timeline's busiest lanes (people sharing its events: timeline/activity.py): tied to at
least SHARE of the case's entities of one type, and to at least LEAST of them. A small
case's boss, paid by 7 of its 12 accounts, is below that; the demo's shops are tied to
40 to 48 of its 58 accounts each. The rule cannot tell a grocer from a boss whom most
accounts pay, so both callers keep the subjects (suspects, victims, the entities of open
findings) whatever the rule says, and both name what they left out.
"""

from __future__ import annotations

from collections.abc import Mapping

SHARE = 0.5
LEAST = 20


def is_commonplace(ties_by_type: Mapping[str, int], entities_by_type: Mapping[str, int]) -> bool:
    """Whether an entity tied to `ties_by_type` others (distinct entities per type) is
    an everyday counterparty in a case holding `entities_by_type`."""
    return any(
        many >= LEAST and many >= SHARE * entities_by_type.get(kind, 0)
        for kind, many in ties_by_type.items()
    )
