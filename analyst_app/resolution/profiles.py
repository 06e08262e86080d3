"""What resolution knows about each person or organization: names, dates of birth, and the
phones, e-mails, accounts and addresses tied to it.

Identifiers count when a link ties them to the entity (the bank file's holder "uses" the
phone) or when a tip names the entity as its only person and mentions the identifier: a tip
about "Maria G. Lopez" giving a phone number ties that number to her, weakly.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import phonenumbers

from analyst_app.model import values
from analyst_app.resolution.names import ORG_NOISE, Name, fold, parse
from analyst_app.store import merging

if TYPE_CHECKING:
    from analyst_app.store.case import Case

IDENTIFIER_TYPES = ("Phone", "Email", "Account", "Handle", "IdentityDocument", "Device", "Vehicle")
ADDRESS_TYPES = ("Address",)
MENTION_EVENTS = ("Tip",)
# Links that say an identifier is the entity's own. "controls" says the opposite (the boss
# controls a victim's phone) and "mentioned in" only that they appeared together.
IDENTITY_LINKS = ("uses", "owns", "lives_at")
MENTION_LINKS = ("mentioned_in",)
# A business-name word in more than this share of a case's organization names ("fictional",
# "smile", "nails") says nothing about which business it is.
COMMON_WORD_SHARE = 0.08
COMMON_WORD_MIN = 4

_WHAT = {
    "Phone": "phone",
    "Email": "e-mail",
    "Account": "account",
    "Handle": "handle",
    "IdentityDocument": "identity document",
    "Device": "device",
    "Vehicle": "vehicle",
    "Address": "address",
}


@lru_cache(maxsize=65_536)
def describe(kind: str, label: str) -> str:
    """ "phone +1 312-555-0123", "account 770044383672": how reasons name an identifier."""
    shown = label
    if kind == "Phone":
        try:
            number = phonenumbers.parse(label)
            shown = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        except phonenumbers.NumberParseException:
            pass
    return f"{_WHAT.get(kind, kind.lower())} {shown}"


@dataclass
class Profile:
    id: str
    type: str
    label: str
    names: list[Name] = field(default_factory=list)
    birth_dates: set[str] = field(default_factory=set)
    # id -> (type, label); reasons describe the few that are shared, when they are.
    identifiers: dict[str, tuple[str, str]] = field(default_factory=dict)
    addresses: dict[str, tuple[str, str]] = field(default_factory=dict)  # or folded text
    mentions: dict[str, tuple[str, str]] = field(default_factory=dict)  # from tips

    @property
    def lone_name(self) -> bool:
        """Known only by one word ("Mari", "Dima")."""
        return all(len(n.words) == 1 for n in self.names)


def _common_words(rows: Sequence[tuple[str, str, str, str]]) -> frozenset[str]:
    counts: dict[str, int] = {}
    orgs = 0
    for _, kind, label, _ in rows:
        if kind != "Organization":
            continue
        orgs += 1
        for word in set(fold(label).split()):
            counts[word] = counts.get(word, 0) + 1
    limit = max(COMMON_WORD_MIN, COMMON_WORD_SHARE * orgs)
    return frozenset(w for w, n in counts.items() if n > limit)


@lru_cache(maxsize=200_000)
def _parse(text: str, noise: frozenset[str]) -> Name | None:
    """Cached: a large case writes the same few thousand names over and over."""
    return parse(text, noise)


def load_profiles(case: Case, types: Sequence[str]) -> list[Profile]:
    rows = merging.entities_of_types(case, types)
    common = _common_words(rows) | ORG_NOISE
    profiles: dict[str, Profile] = {}
    for entity_id, kind, label, raw in rows:
        props = json.loads(raw)
        noise = common if kind == "Organization" else frozenset()
        profile = Profile(entity_id, kind, label)
        seen: set[str] = set()
        for text in dict.fromkeys((label, *values(props.get("name")), *values(props.get("alias")))):
            name = _parse(text, noise)
            if name is not None and name.key not in seen:
                seen.add(name.key)
                profile.names.append(name)
        profile.birth_dates.update(values(props.get("birth_date")))
        for text in values(props.get("address")):
            if fold(text):
                profile.addresses[f"text:{fold(text)}"] = ("Address", text)
        profiles[entity_id] = profile
    for entity_id, other, kind, label in merging.linked_entities(
        case, types, (*IDENTIFIER_TYPES, *ADDRESS_TYPES), IDENTITY_LINKS
    ):
        target = profiles[entity_id]
        bucket = target.addresses if kind in ADDRESS_TYPES else target.identifiers
        bucket[other] = (kind, label)
    mentions = merging.sole_mentions(case, types, IDENTIFIER_TYPES, MENTION_EVENTS)
    mentions += merging.linked_entities(case, types, IDENTIFIER_TYPES, MENTION_LINKS)
    for entity_id, other, kind, label in mentions:
        profiles[entity_id].mentions[other] = (kind, label)
    return [p for p in profiles.values() if p.names]
