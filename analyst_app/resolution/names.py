"""Names as resolution compares them: folded tokens, phonetic keys, short forms, similarity.

The same woman is "Maria G. Lopez" in a tip, "MARIA LOPEZ" on a bank account and "Mari" in
a seized phone's contacts. So names are compared token by token, not as strings: case and
accents folded away, order ignored (banks write "LOPEZ MARIA"), an initial agreeing with the
word it abbreviates, and a given name alone ("Mari", "Dima") agreeing with a full name only
weakly, because a first name says little by itself.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import jellyfish
from rapidfuzz import fuzz

# Short forms seen in tips and phone contacts. Small on purpose: a wrong entry would
# propose false pairs, and the fuzzy prefix rule already catches "Mari" ~ "Maria".
_SHORT_FORMS: dict[str, tuple[str, ...]] = {
    "alexander": ("alex", "sasha", "sanya", "xander", "alejandro", "aleksandr"),
    "alexandra": ("alex", "sasha", "sandra", "lexi", "aleksandra"),
    "dmitri": ("dima", "dmitry", "dmitriy", "mitya"),
    "elizabeth": ("liz", "beth", "betty", "eliza", "lisa"),
    "francisco": ("paco", "pancho", "frank"),
    "guadalupe": ("lupe", "lupita"),
    "ivan": ("vanya",),
    "jose": ("pepe", "chepe"),
    "katherine": ("kate", "katie", "kathy", "katya", "ekaterina"),
    "margaret": ("maggie", "peggy", "meg"),
    "maria": ("mari", "mary", "marie", "mariya", "masha", "maru"),
    "mikhail": ("misha", "michael", "mike", "miguel"),
    "natalia": ("natasha", "nata", "natalie"),
    "nikolai": ("kolya", "nick", "nicolas"),
    "robert": ("bob", "rob", "bobby", "roberto"),
    "tatiana": ("tanya",),
    "william": ("bill", "will", "billy", "guillermo"),
    "yelena": ("lena", "elena", "helen"),
}
CANONICAL: dict[str, str] = {
    short: full for full, shorts in _SHORT_FORMS.items() for short in (full, *shorts)
}

# Words that name the kind of business, not the business.
ORG_NOISE = frozenset(
    "llc inc ltd co corp corporation company gmbh sa srl plc the and of dba".split()  # noqa: SIM905
)


def fold(text: str) -> str:
    """Casefolded, accents stripped, punctuation to spaces: "MARÍA G. López" -> "maria g lopez"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^\w]+|_", " ", plain).split())


@dataclass(frozen=True, slots=True)
class Name:
    """One written form of a name, ready to compare."""

    text: str  # as written, for reasons
    words: tuple[str, ...]  # folded tokens longer than one letter, in written order
    initials: tuple[str, ...]  # one-letter tokens ("g" of "Maria G. Lopez")
    key: str  # order-free: "lopez maria" for both "Maria Lopez" and "LOPEZ, MARIA"


def parse(text: str, noise: frozenset[str] = frozenset()) -> Name | None:
    tokens = [t for t in fold(text).split() if t not in noise]
    words = tuple(t for t in tokens if len(t) > 1)
    if not words:
        return None
    return Name(text, words, tuple(t for t in tokens if len(t) == 1), " ".join(sorted(words)))


def canonical(word: str) -> str:
    return CANONICAL.get(word, word)


@lru_cache(maxsize=200_000)
def phonetic(word: str) -> str:
    return str(jellyfish.metaphone(word)) or word


def blocking_keys(name: Name) -> list[str]:
    """Keys under which two spellings of one name meet: exact, then sound-alike.

    A full name gives its exact key, the order-free metaphone of its first and last words
    ("Jon Smith" ~ "SMITH John", "Lopez" ~ "Lopes") and given-name keys for both ends; a
    lone word gives a given-name key. The caller compares given-name blocks only against
    lone words and only when they are small.
    """
    keys = [f"n:{name.key}"]
    words = name.words
    if len(words) >= 2:
        first, last = words[0], words[-1]
        keys.append("p:" + " ".join(sorted((phonetic(canonical(first)), phonetic(last)))))
        keys.extend(f"g:{canonical(w)[:4]}" for w in {first, last})
    else:
        keys.append(f"g:{canonical(words[0])[:4]}")
    return keys


def _word_score(a: str, b: str) -> tuple[float, str]:
    """How well two tokens agree (0..1) and how, for the reason text. One-letter tokens
    are initials: "g" agrees with "gloria" and nothing else."""
    if a == b:
        return 1.0, "same"
    if len(a) == 1 or len(b) == 1:
        return (0.85, "initial") if a[0] == b[0] else (0.0, "initial")
    if canonical(a) == canonical(b):
        return 0.9, "short form"
    ratio = fuzz.ratio(a, b) / 100
    if min(len(a), len(b)) >= 3 and (a.startswith(b) or b.startswith(a)):
        return max(ratio, 0.85), "short form"
    return ratio, "alike"


@dataclass(frozen=True, slots=True)
class NameMatch:
    similarity: float  # 0..1: how alike the names are
    weight: float  # 0..1: how much the names say (a lone given name says less)
    reason: str


def compare(a: Name, b: Name) -> NameMatch:
    """Align each token of the shorter name with its best partner in the longer one.

    The token scores multiply: every word has to agree, so "Toby Dummyfield" is not
    "Toby Draftwell" however alike the given names are.
    """
    lone = min(len(a.words) + len(a.initials), len(b.words) + len(b.initials)) == 1
    weight = 0.75 if lone else 1.0
    if a.key == b.key:
        clash = (
            set(a.initials)
            and set(b.initials)
            and not (set(a.initials) <= set(b.initials) or set(b.initials) <= set(a.initials))
        )
        if clash:
            return NameMatch(0.8, weight, "same name but the initials differ" + _initials(a, b))
        what = "same name, but one word only" if lone else "same name"
        return NameMatch(1.0, weight, what + _initials(a, b))
    ta, tb = (*a.words, *a.initials), (*b.words, *b.initials)
    short, long = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    free = list(long)
    product = 1.0
    notes: list[str] = []
    for token in short:
        best, how, partner = max(
            ((*_word_score(token, other), other) for other in free), key=lambda t: t[0]
        )
        product *= best
        if how in ("short form", "initial") and best >= 0.85:
            notes.append(f"{token.title()}{'.' if len(token) == 1 else ''} ~ {partner.title()}")
        free.remove(partner)
    coverage = len(short) / len(long)
    # Whole-string similarity catches typos across word boundaries ("Mariag Lopez").
    whole = fuzz.token_sort_ratio(" ".join(a.words), " ".join(b.words)) / 100
    similarity = max(product * (0.9 + 0.1 * coverage), whole**2)
    if lone:
        one, other = (a, b) if len(a.words) + len(a.initials) == 1 else (b, a)
        what = notes[0] + " (a short form)" if notes else f"{one.text} ~ {other.text}"
        return NameMatch(similarity, weight, f"{what}: one word of a name to go on")
    reason = f"names {round(similarity * 100)}% alike"
    if notes:
        reason += f" ({', '.join(notes)})"
    return NameMatch(similarity, weight, reason)


def _initials(a: Name, b: Name) -> str:
    if a.initials == b.initials or not (a.initials or b.initials):
        return ""
    shown = [" ".join(f"{i.upper()}." for i in n.initials) for n in (a, b)]
    if not (shown[0] and shown[1]):
        return f" (initial {shown[0] or shown[1]} in one only)"
    return f" (initials {shown[0]} / {shown[1]})"
