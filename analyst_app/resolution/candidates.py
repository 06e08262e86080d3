"""Candidate pairs: blocking finds who could be the same, scoring says how likely and why.

Blocking puts each entity under a few keys (exact name, sound-alike surname with initial,
given name, each phone/e-mail/account/address tied to it) and compares only entities that
share a key, so 50,000 people cost a few hundred thousand comparisons, not a billion. A key
shared by too many entities (a hotline number, "Maria Garcia" written two hundred times)
proves nothing about identity and is skipped; the other keys still meet.

Scoring, 0-100: the names give up to 60 points (a lone first name at most 45); shared phones,
e-mails and accounts add 25 for the first and 10 for each other, a shared address 10, a phone
named in a tip about one of them 10; dates of birth add 15 when they agree and take 35 away
when the years differ. Shared identifiers count only when the names are alike: the boss's
phone on his victims' bank accounts makes them his victims, not him. A name that many
entities in the case hold ("Maria Garcia" ten times over) earns fewer points, down to half:
by itself it is a coincidence, not a lead.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

from analyst_app.resolution.names import NameMatch, blocking_keys, compare
from analyst_app.resolution.profiles import Profile, describe

NAME_POINTS = 60
FIRST_IDENTIFIER, MORE_IDENTIFIERS, IDENTIFIER_CAP = 25, 10, 40
ADDRESS_POINTS = 10
MENTION_POINTS, MENTION_CAP = 10, 15
BIRTH_AGREE, BIRTH_YEAR_DIFFERS, BIRTH_DAY_DIFFERS = 15, -35, -15
# Identifiers count fully from this name similarity up, not at all below GATE_LOW.
GATE_LOW, GATE_HIGH = 0.45, 0.65
# Largest blocks compared, by kind of key (see the module docstring).
BLOCK_LIMITS = {"n": 12, "p": 25, "g": 20, "i": 30, "a": 30}
# A name many people in the case share says less: its points shrink from this many holders.
COMMON_NAME = 3
DEFAULT_MIN_SCORE = 40


@dataclass(frozen=True, slots=True)
class Candidate:
    """Two entities that may be one, with the score and the reasons in plain words."""

    a_id: str
    b_id: str
    type: str
    a_label: str
    b_label: str
    score: int
    reasons: tuple[str, ...]
    shared: tuple[str, ...]  # ids of the identifiers and addresses both are tied to

    def as_dict(self) -> dict[str, object]:
        return {
            "a": {"id": self.a_id, "label": self.a_label},
            "b": {"id": self.b_id, "label": self.b_label},
            "type": self.type,
            "score": self.score,
            "reasons": list(self.reasons),
            "shared": list(self.shared),
        }


def candidate_pairs(
    profiles: Sequence[Profile], name_counts: dict[str, int] | None = None
) -> set[tuple[int, int]]:
    """Index pairs (i < j) of same-type profiles that share at least one usable key.
    `name_counts`, when given, receives how many entities hold each exact name."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for index, profile in enumerate(profiles):
        keys: set[str] = set()
        for name in profile.names:
            keys.update(blocking_keys(name))
        keys.update(f"i:{i}" for i in (*profile.identifiers, *profile.mentions))
        keys.update(f"a:{a}" for a in profile.addresses)
        for key in keys:
            blocks[f"{profile.type}|{key}"].append(index)
    pairs: set[tuple[int, int]] = set()
    for full_key, members in blocks.items():
        kind = full_key.split("|", 1)[1][0]
        if kind == "n" and name_counts is not None:
            name_counts[full_key] = len(members)
        if len(members) < 2 or len(members) > BLOCK_LIMITS[kind]:
            continue
        if kind == "g":  # given names meet lone words only: "Dima" ~ "Dmitri Fakename"
            lone = [i for i in members if profiles[i].lone_name]
            pairs.update((min(i, j), max(i, j)) for i in lone for j in members if i != j)
        else:
            pairs.update(combinations(sorted(members), 2))
    return pairs


def _best_name(a: Profile, b: Profile) -> NameMatch:
    return max(
        (compare(x, y) for x in a.names for y in b.names),
        key=lambda m: (m.similarity * m.weight, m.similarity),
    )


def _listed(items: Iterable[str]) -> str:
    shown = sorted(items)
    return ", ".join(shown[:3]) + (f" and {len(shown) - 3} more" if len(shown) > 3 else "")


def _rarity(holders: int) -> float:
    """1.0 for a name few entities hold, down to 0.5 for one held by dozens."""
    if holders <= COMMON_NAME:
        return 1.0
    return max(0.5, 1 - 0.15 * math.log2(holders / COMMON_NAME))


def score(a: Profile, b: Profile, holders: int = 1) -> Candidate:
    """Score one pair; `holders` is how many entities hold the commoner of their names."""
    name = _best_name(a, b)
    rarity = _rarity(holders)
    points = NAME_POINTS * name.similarity * name.weight * rarity
    reasons = [name.reason]
    if rarity < 1.0:
        reasons[0] += f" (a common name here: {holders} entities have it)"
    gate = min(1.0, max(0.0, (name.similarity - GATE_LOW) / (GATE_HIGH - GATE_LOW)))
    evidence = 0.0
    shared_ids = sorted(set(a.identifiers) & set(b.identifiers))
    if shared_ids:
        evidence += min(IDENTIFIER_CAP, FIRST_IDENTIFIER + MORE_IDENTIFIERS * (len(shared_ids) - 1))
        reasons.append("same " + _listed(describe(*a.identifiers[i]) for i in shared_ids))
    shared_addresses = sorted(set(a.addresses) & set(b.addresses))
    if shared_addresses:
        evidence += ADDRESS_POINTS
        reasons.append("same " + _listed(describe(*a.addresses[i]) for i in shared_addresses))
    mentioned = _mentions(a, b, set(shared_ids))
    if mentioned:
        evidence += min(MENTION_CAP, MENTION_POINTS * len(mentioned))
        reasons.extend(mentioned)
    if evidence and gate < 1.0:
        reasons.append("but the names are not alike enough for that to count fully")
    points += gate * evidence
    birth, why = _birth_dates(a, b)
    points += birth
    if why:
        reasons.append(why)
    return Candidate(
        a.id,
        b.id,
        a.type,
        a.label,
        b.label,
        max(0, min(100, round(points))),
        tuple(reasons),
        tuple(shared_ids + [i for i in shared_addresses if not i.startswith("text:")]),
    )


def _mentions(a: Profile, b: Profile, strong: set[str]) -> list[str]:
    """A tip (or a file) mentions one of them with an identifier the other is tied to."""
    found: list[str] = []
    for one, other in ((a, b), (b, a)):
        for ident, (kind, label) in sorted(one.mentions.items()):
            what = describe(kind, label)
            if ident in strong or any(what in r for r in found):
                continue
            if ident in other.identifiers:
                found.append(
                    f"{what}: one of them uses it, a tip or file mentions it with the other"
                )
            elif ident in other.mentions:
                found.append(f"both are mentioned with {what}")
    return found


def _birth_dates(a: Profile, b: Profile) -> tuple[int, str]:
    if not a.birth_dates or not b.birth_dates:
        return 0, ""
    common = a.birth_dates & b.birth_dates
    if common:
        return BIRTH_AGREE, f"same date of birth {min(common)}"
    left, right = min(a.birth_dates), min(b.birth_dates)
    if left[:4] != right[:4]:
        return BIRTH_YEAR_DIFFERS, f"dates of birth differ: {left[:4]} vs {right[:4]}"
    return BIRTH_DAY_DIFFERS, f"dates of birth differ: {left} vs {right}"


Progress = Callable[[float], None]
Cancelled = Callable[[], bool]
_CHECK_EVERY = 5_000  # pairs between progress reports and cancel checks


def find_candidates(
    profiles: Sequence[Profile],
    decided: Callable[[str, str], bool],
    min_score: int,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> list[Candidate] | None:
    """Score every blocked pair; None when `cancelled()` said stop."""
    found: list[Candidate] = []
    name_counts: dict[str, int] = {}
    pairs = sorted(candidate_pairs(profiles, name_counts))
    holders = [max(name_counts.get(f"{p.type}|n:{n.key}", 1) for n in p.names) for p in profiles]
    for done, (i, j) in enumerate(pairs):
        if done % _CHECK_EVERY == 0:
            if cancelled is not None and cancelled():
                return None
            if progress is not None:
                progress(done / len(pairs))
        a, b = profiles[i], profiles[j]
        if a.id > b.id:
            a, b = b, a
        if decided(a.id, b.id):
            continue
        candidate = score(a, b, max(holders[i], holders[j]))
        if candidate.score >= min_score:
            found.append(candidate)
    found.sort(key=lambda c: (-c.score, c.a_label.casefold(), c.b_label.casefold(), c.a_id))
    if progress is not None:
        progress(1.0)
    return found
