"""Who may be a victim, so that no financial finding presents them as its subject.

FIN-2020-A008: "a potential victim must not be presented as a subject". Before resolution
merges duplicates, the victim a tip names and the holder on a bank row are different
entities with the same name; protecting both is the safe side of that ambiguity.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from analyst_app.store import rule_queries as rq

if TYPE_CHECKING:
    from analyst_app.store.case import Case


def name_key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def potential_victims(case: Case) -> frozenset[str]:
    """Persons marked victim, their unresolved namesakes and `same as` twins, their accounts."""
    marked = rq.marked_victims(case)
    if not marked:
        return frozenset()
    names = {name_key(label) for label in rq.victim_labels(case)}
    names.discard("")
    people = set(marked)
    for eid, label in rq.person_labels(case):
        if name_key(label) in names:
            people.add(eid)
    for a, b in rq.same_as_pairs(case):
        if a in people or b in people:
            people.update((a, b))
    accounts = {
        target
        for source, target in rq.owns_pairs(case)
        if source in people and target.startswith("account:")
    }
    for eid, holder in rq.account_holders(case):
        if holder and name_key(str(holder)) in names:
            accounts.add(eid)
    return frozenset(people | accounts)
