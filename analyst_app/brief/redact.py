"""Redaction for court filing: every string bound for the PDF passes through one `Redactor`.

Defaults follow Fed. R. Crim. P. 49.1 and 18 U.S.C. 3509(d) (DOMAIN.md section 6):
- victims become Victim-1, Victim-2 ... numbered in the order the case first recorded them,
  so the same case always gives the same numbers; two records with the same name are the
  same pseudonym, and records the findings engine treats as potential victims (unresolved
  namesakes, `same as` twins) are pseudonymised too;
- a victim's full name, and each part of it, is replaced wherever it appears in free text
  (tip narratives, account holders, evidence lines): a surname alone still identifies;
- account numbers keep their last four digits, dates of birth their year, home addresses
  their city and region; minors are flagged, and a minor who is not a victim is shown by
  initials.
With redaction off (the sealed version) only the minor flag is added.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from typing import Any

from analyst_app.brief.data import EntityRec

_WORD = re.compile(r"\w+")
_MIN_PART = 3  # shorter name parts ("Li", "Jo") would also hit ordinary words


def _fold(text: str) -> str:
    """Case- and accent-insensitive form, so "José" and "JOSE" are the same name."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _fold_map(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the index of the original one.

    Folding can change lengths ("ß" -> "ss", "…" -> "..."), so matches found in the folded
    text are mapped back through this index to cut the original text in the right places.
    """
    if text.isascii():  # the common case: folding is lower-casing, lengths unchanged
        return text.lower(), list(range(len(text)))
    parts: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        f = _fold(ch)
        parts.append(f)
        where.extend([i] * len(f))
    return "".join(parts), where


def last_four(number: str) -> str:
    digits = re.sub(r"\W", "", number)
    return f"****{digits[-4:]}" if len(digits) > 4 else number


def is_minor(entity: EntityRec, as_of: date) -> bool:
    props = entity.properties
    if str(props.get("minor", "")).lower() in ("true", "yes", "1"):
        return True
    try:
        if float(str(props.get("age", "")).strip()) < 18:
            return True
    except ValueError:
        pass
    born = str(props.get("birth_date", ""))
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", born):
        y, m, d = (int(p) for p in born.split("-"))
        age = as_of.year - y - ((as_of.month, as_of.day) < (m, d))
        return age < 18
    return False


def _names(entity: EntityRec) -> list[str]:
    found = [entity.label, *_strings(entity.properties.get("name"))]
    found += _strings(entity.properties.get("alias"))
    return [n.strip() for n in found if n and n.strip()]


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


def _initials(name: str) -> str:
    return ".".join(p[0].upper() for p in name.split() if p) + "." if name.strip() else "?"


class Redactor:
    """Pseudonyms and text scrubbing for one brief; `enabled=False` for the sealed version."""

    def __init__(
        self,
        *,
        enabled: bool,
        persons: Iterable[EntityRec],
        accounts: Iterable[EntityRec],
        addresses: Iterable[EntityRec],
        homes: set[str],
        as_of: date,
        also_victims: frozenset[str] = frozenset(),
    ) -> None:
        self.enabled = enabled
        self.pseudonyms: dict[str, str] = {}
        self.minors: set[str] = set()
        by_name: dict[str, str] = {}
        replace: dict[str, str] = {}
        victims = 0
        people = list(persons)
        marked = [p for p in people if p.role == "victim"]
        # Namesakes and `same as` twins of victims (findings.victims) after the marked ones,
        # so the numbers of marked victims do not depend on them.
        extra = [p for p in people if p.role != "victim" and p.id in also_victims]
        self.minors = {p.id for p in people if is_minor(p, as_of)}
        for person in marked + extra:
            names = _names(person)
            known = next((by_name[_fold(n)] for n in names if _fold(n) in by_name), None)
            if known is None:
                victims += 1
                known = f"Victim-{victims}"
            self.pseudonyms[person.id] = known
            for name in names:
                by_name[_fold(name)] = known
        # Whole names first (longest first in the pattern), then their parts.
        for folded, alias in by_name.items():
            replace[folded] = alias
        parts: set[tuple[str, ...]] = set()
        for folded, alias in by_name.items():
            for part in re.findall(r"\w+", folded):
                if len(part) >= _MIN_PART and part not in replace:
                    replace[part] = alias
                    parts.add((part,))
        self.victim_names = sorted(by_name)
        for person in people:  # minors who are not victims: initials (Rule 49.1(a)(3))
            if person.id in self.minors and person.id not in self.pseudonyms:
                for name in _names(person):
                    replace.setdefault(_fold(name), _initials(name))
        for account in accounts:
            for number in {account.label, *_strings(account.properties.get("number"))}:
                if number and len(re.sub(r"\W", "", number)) > 4:
                    replace.setdefault(_fold(number), last_four(number))
        self.home_short: dict[str, str] = {}
        for address in addresses:
            if address.id in homes:
                short = self._city_region(address)
                self.home_short[address.id] = short
                for full in {address.label, *_strings(address.properties.get("full"))}:
                    if full and _fold(full) != _fold(short):
                        replace.setdefault(_fold(full), short)
        # Phrases are matched word by word through a dictionary keyed by their words: a
        # regex alternation of thousands of account numbers and addresses tried every one at
        # every position (minutes on a 10,000-entity case). Matching words rather than
        # characters also catches a name split by a line break or a hyphen.
        self._phrases: dict[tuple[str, ...], str] = {}
        for key, value in replace.items():
            words = tuple(_WORD.findall(key))
            if words:
                self._phrases.setdefault(words, value)
        self._lengths = sorted({len(w) for w in self._phrases}, reverse=True)
        # Single name parts: replaced in free text, never inside another entity's own label
        # (a suspect who shares a victim's first name must not be shown as "Victim-1 Gomez").
        self._parts = frozenset(parts)

    @staticmethod
    def _city_region(address: EntityRec) -> str:
        props = address.properties
        parts = [str(props[k]) for k in ("city", "region") if props.get(k)]
        if parts:
            return ", ".join(parts)
        pieces = [p.strip() for p in address.label.split(",") if p.strip()]
        if len(pieces) >= 3:
            return ", ".join([pieces[-2], re.sub(r"\s*\d[\d -]*$", "", pieces[-1])])
        return "address withheld"

    # -- what sections call --------------------------------------------------------
    def text(self, value: str, *, parts: bool = True) -> str:
        """Free text with victims' names, account numbers and home addresses replaced."""
        if not self.enabled or not self._phrases or not value:
            return value
        folded, where = _fold_map(value)
        spans = [(m.start(), m.end(), m.group(0)) for m in _WORD.finditer(folded)]
        words = [w for _, _, w in spans]
        found: list[tuple[int, int, str]] = []
        i = 0
        while i < len(words):
            for n in self._lengths:
                key = tuple(words[i : i + n])
                alias = self._phrases.get(key) if i + n <= len(words) else None
                if alias is not None and (parts or key not in self._parts):
                    found.append((spans[i][0], spans[i + n - 1][1], alias))
                    i += n
                    break
            else:
                i += 1
        out, pos = [], 0
        for f_start, f_end, alias in found:
            start, end = where[f_start], where[f_end - 1] + 1
            out.append(value[pos:start])
            out.append(alias)
            pos = end
        out.append(value[pos:])
        return "".join(out)

    def label(self, entity: EntityRec) -> str:
        """How an entity is named in the brief."""
        minor = " (minor)" if entity.id in self.minors else ""
        if not self.enabled:
            return entity.label + minor
        if entity.id in self.pseudonyms:
            return self.pseudonyms[entity.id] + minor
        if entity.id in self.minors:
            return _initials(entity.label) + minor
        if entity.type == "Account":
            return last_four(entity.label)
        if entity.id in self.home_short:
            return self.home_short[entity.id]
        return self.text(entity.label, parts=False)

    def value(self, name: str, value: str) -> str:
        """One property value for a profile table."""
        if self.enabled and name == "birth_date":
            return value[:4]
        if self.enabled and name in ("number", "iban", "account") and len(value) > 4:
            return last_four(value)
        return self.text(value)

    def hidden_property(self, entity: EntityRec, name: str) -> bool:
        """Properties left out entirely: a home address's street parts."""
        return (
            self.enabled
            and entity.id in self.home_short
            and name in ("full", "street", "postal_code", "coordinates")
        )
