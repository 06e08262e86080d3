"""Identifiers inside free text: phones (also spelled out or disguised), emails, handles, plates.

Tips and worker messages name numbers the way people hide them from moderation ("five five
five 01two3", "555.0I0.2121", "lola at gmail dot com"). Each find keeps its exact span so
that provenance can show the analyst the words it was read from. The rules lean towards
missing a number rather than inventing one: dates, times and prices are masked first, and
a run of digits must have a phone's length (10, or 11 starting with 1, or international
with + or 00; 7 only when the whole run is disguised or written 555-0123).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

import phonenumbers

from importers.base import EntityDraft, Row

WORDS = {"zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4",
         "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9"}  # fmt: skip
MAX_CHUNKS = 16  # "5 5 5 - 2 0 1 - 0 1 0 1" is 10; longer runs are not one number
LOOKALIKES = {"O": "0", "o": "0", "I": "1", "l": "1"}
_WORD = re.compile("|".join(sorted(WORDS, key=len, reverse=True)), re.IGNORECASE)
_ALNUM = re.compile(r"[A-Za-z0-9]+")
_GAP = re.compile(r"[ \t\-.()/\u2013]{0,3}")
_MASKS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"(?<![\d./-])\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?![-/.]?\d)",  # 2024-03-05
        r"(?<![\d./-])\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}(?![-/.]?\d)",  # 05/03/2024
        r"(?<!\d)\d{1,2}:\d{2}(?::\d{2})?(?:\s?[ap]\.?m\b\.?)?",  # 14:30, 2:30 pm
        r"[$€£¥]\s?\d[\d,]*(?:\.\d+)?",  # $1,200.00
        r"(?<![\d.])\d[\d,]*(?:\.\d+)?\s?(?:dollars|usd|eur|euros|pesos|bucks)\b",
    )
]
_LOCAL = r"[A-Za-z0-9][A-Za-z0-9._%+\-]*"
_AT = r"@|\s+@\s+|\s*[\[({<]\s*at\s*[\])}>]\s*|\s+at\s+"
_DOT = r"\.|\s*[\[({<]\s*dot\s*[\])}>]\s*|\s+dot\s+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
_EMAIL = re.compile(
    rf"(?<![\w.%+\-@])(?P<local>{_LOCAL})(?P<at>{_AT})(?P<domain>{_LABEL}(?:(?:{_DOT}){_LABEL})+)",
    re.IGNORECASE,
)
_DOT_SPLIT = re.compile(_DOT, re.IGNORECASE)
# Words standing in for "@" and "." also occur in prose; then only common endings count.
_TLDS = "com net org info biz io co me us uk ca de fr es it nl ru mx br in au edu gov app xyz"
COMMON_TLDS = frozenset(_TLDS.split(" "))
_HANDLE = re.compile(r"(?<![\w@.])@(?P<name>[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?)")
_PLATE = re.compile(
    r"\b(?:licen[cs]e\s+plates?|number\s+plates?|plates?|tags?|licen[cs]e|reg(?:istration)?)"
    r"(?![a-z])"
    r"(?:\s+(?:number|no\.?|num|#))?\s*(?:[:#]|\b(?:is|was|reads?|of)\b)?\s*"
    r"(?P<plate>[A-Za-z0-9]{1,8}(?:[ \-][A-Za-z0-9]{1,8}){0,2})\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Mention:
    """One identifier found in text.

    `value`: phones as digits (a leading + when written internationally), emails as the
    plain lower-case address, handles without "@", plates as written.
    """

    kind: str  # phone | email | handle | plate
    value: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    digit: str
    disguised: bool  # a number word or a lookalike letter


def _masked(text: str) -> list[bool]:
    blocked = [False] * len(text)
    for pattern in _MASKS:
        for m in pattern.finditer(text):
            blocked[m.start() : m.end()] = [True] * (m.end() - m.start())
    return blocked


def _decompose(word: str, offset: int) -> list[_Token] | None:
    """Digits, number words and lookalike letters making up all of `word`, or None."""
    tokens: list[_Token] = []
    i = 0
    while i < len(word):
        ch = word[i]
        if ch.isdigit():
            tokens.append(_Token(offset + i, offset + i + 1, ch, False))
            i += 1
        elif found := _WORD.match(word, i):
            tokens.append(_Token(offset + i, offset + found.end(), WORDS[found[0].lower()], True))
            i = found.end()
        elif ch in LOOKALIKES:
            tokens.append(_Token(offset + i, offset + i + 1, LOOKALIKES[ch], True))
            i += 1
        else:
            return None
    lookalike = any(t.end - t.start == 1 and not word[t.start - offset].isdigit() for t in tokens)
    if lookalike and not any(ch.isdigit() for ch in word):
        return None  # "I", "lol", "Oslo": letters alone are not a number
    return tokens


def _runs(text: str) -> list[list[_Token]]:
    blocked = _masked(text)
    runs: list[list[_Token]] = []
    current: list[_Token] = []
    for word in _ALNUM.finditer(text):
        masked = any(blocked[word.start() : word.end()])
        tokens = None if masked else _decompose(word[0], word.start())
        if tokens is None:
            if current:
                runs.append(current)
            current = []
            continue
        if current and not _GAP.fullmatch(text, current[-1].end, tokens[0].start):
            runs.append(current)
            current = []
        current.extend(tokens)
    if current:
        runs.append(current)
    return runs


def _chunks(text: str, run: list[_Token]) -> list[list[_Token]]:
    """Split a run where the gap has a space: a phone starts and ends at such a boundary."""
    chunks = [[run[0]]]
    for prev, tok in itertools.pairwise(run):
        if any(c.isspace() for c in text[prev.end : tok.start]):
            chunks.append([tok])
        else:
            chunks[-1].append(tok)
    return chunks


def _phone_value(text: str, tokens: list[_Token], whole_run: bool) -> str | None:
    digits = "".join(t.digit for t in tokens)
    plus = tokens[0].start > 0 and text[tokens[0].start - 1] == "+"
    if not plus and digits.startswith("00"):
        plus, digits = True, digits[2:]
    if plus:
        try:
            number = phonenumbers.parse("+" + digits)
        except phonenumbers.NumberParseException:
            return None
        ok = 8 <= len(digits) <= 15 and phonenumbers.is_possible_number(number)
        return "+" + digits if ok else None
    if len(digits) == 10 or (len(digits) == 11 and digits[0] == "1"):
        return digits
    if len(digits) == 7 and whole_run:
        written = text[tokens[0].start : tokens[-1].end]
        if any(t.disguised for t in tokens) or re.fullmatch(r"\d{3}[-.]\d{4}", written):
            return digits
    return None


def _well_formed(chunks: list[list[_Token]]) -> bool:
    """Grouped like a phone: one block, spaced single digits, or ending in 4+ digits."""
    return len(chunks) == 1 or len(chunks[-1]) >= 4 or all(len(c) == 1 for c in chunks)


def _phones(text: str) -> list[Mention]:
    """Every phone-length window of each run; the well-grouped, leftmost, longest win."""
    found: list[Mention] = []
    for run in _runs(text):
        chunks = _chunks(text, run)
        windows: list[tuple[bool, int, int, str]] = []
        for i in range(len(chunks)):
            tokens: list[_Token] = []
            for j in range(i, min(len(chunks), i + MAX_CHUNKS)):
                tokens.extend(chunks[j])
                value = _phone_value(text, tokens, i == 0 and j == len(chunks) - 1)
                if value is not None:
                    windows.append((not _well_formed(chunks[i : j + 1]), i, i - j, value))
        taken: set[int] = set()
        for _, i, negative_span, value in sorted(windows):
            j = i - negative_span
            if taken.intersection(range(i, j + 1)):
                continue
            taken.update(range(i, j + 1))
            start, end = chunks[i][0].start, chunks[j][-1].end
            while start > 0 and text[start - 1] in "(+":
                start -= 1
            found.append(Mention("phone", value, start, end, text[start:end]))
    return found


def _emails(text: str) -> list[Mention]:
    found: list[Mention] = []
    for m in _EMAIL.finditer(text):
        labels = _DOT_SPLIT.split(m["domain"])
        disguised = m["at"] != "@" or len(labels) - 1 != m["domain"].count(".")
        tld = labels[-1].lower()
        if not tld.isalpha() or len(tld) < 2 or (disguised and tld not in COMMON_TLDS):
            continue
        value = f"{m['local']}@{'.'.join(labels)}".lower()
        found.append(Mention("email", value, m.start(), m.end(), m[0]))
    return found


def _handles(text: str) -> list[Mention]:
    return [
        Mention("handle", m["name"], m.start(), m.end(), m[0])
        for m in _HANDLE.finditer(text)
        if any(c.isalpha() for c in m["name"])
    ]


def _plate_ok(candidate: str) -> bool:
    bare = re.sub(r"[ \-]", "", candidate)
    has_digit = any(c.isdigit() for c in bare)
    return 4 <= len(bare) <= 10 and has_digit and any(c.isalpha() for c in bare)


def _plates(text: str) -> list[Mention]:
    found: list[Mention] = []
    for m in _PLATE.finditer(text):
        groups = re.split(r"[ \-]", m["plate"])
        # A plate starts with a digit or capitals; later parts must too ("ABC 12 on" stops).
        keep = 0
        for group in groups:
            if not (any(c.isdigit() for c in group) or group.isupper()):
                break
            keep += 1
        for count in range(keep, 0, -1):
            length = sum(len(g) for g in groups[:count]) + count - 1
            candidate = m["plate"][:length]
            if _plate_ok(candidate):
                start = m.start("plate")
                found.append(Mention("plate", candidate, start, start + length, candidate))
                break
    return found


def extract_identifiers(text: str) -> list[Mention]:
    """Every identifier in `text`, in order; where finds overlap, the more specific wins."""
    chosen: list[Mention] = []
    for finder in (_emails, _handles, _plates, _phones):
        for mention in finder(text):
            if all(mention.end <= c.start or mention.start >= c.end for c in chosen):
                chosen.append(mention)
    return sorted(chosen, key=lambda m: m.start)


# Drafts: what the tip-like importers make of identifiers, listed or found in text.

KINDS = {"phone": ("Phone", "number"), "email": ("Email", "address"),
         "handle": ("Handle", "handle"), "plate": ("Vehicle", "plate")}  # fmt: skip


def identifier_draft(prefix: str, kind: str, value: str) -> EntityDraft:
    """An identifier entity keyed by its bare form, so a number listed and narrated is one draft."""
    type_name, prop = KINDS[kind]
    value = value.strip().lstrip("@") if kind == "handle" else value.strip()
    bare = re.sub(r"[\s\-().]", "", value).lower()
    return EntityDraft(type_name, f"{prefix}:{kind}:{bare}", {prop: value})


def possible_phone(value: str, region: str) -> bool:
    """Whether ingest will accept this number; a found number it refuses would sink its tip."""
    try:
        return bool(phonenumbers.is_possible_number(phonenumbers.parse(value, region)))
    except phonenumbers.NumberParseException:
        return False


@dataclass
class Mentions:
    """`drafts`: one per distinct identifier, for the record's own row. `span_rows`: one per
    occurrence, whose locator names the field, the span and its exact text, so provenance
    shows where in the narrative the identifier was read."""

    drafts: list[EntityDraft] = field(default_factory=list)
    span_rows: list[Row] = field(default_factory=list)


def narrative_mentions(
    prefix: str, locator: str, texts: dict[str, str], region: str = "US"
) -> Mentions:
    found = Mentions()
    keys: set[str] = set()
    for name, text in texts.items():
        for m in extract_identifiers(text):
            if m.kind == "phone" and not possible_phone(m.value, region):
                continue
            draft = identifier_draft(prefix, m.kind, m.value)
            if draft.key not in keys:
                keys.add(draft.key)
                found.drafts.append(draft)
            span = f"{name}[{m.start}:{m.end}]"
            copy = EntityDraft(draft.type, f"{prefix}:{span}", dict(draft.properties))
            found.span_rows.append(Row(f"{locator} {span} {m.text!r}", [copy], raw=m.text))
    return found
