"""Indicator tags (DOMAIN.md section 2) suggested from tip and report narratives.

Keyword rules (resources/findings/vocabularies.yaml) only *suggest*: each suggestion is a
row in `tags` with state 'suggested', and the analyst accepts or rejects it. A tag the
analyst already decided on is never suggested again or changed by a re-run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import yaml

from analyst_app.resources import resource_path
from analyst_app.store import tag_rows
from analyst_app.store.errors import CaseError

if TYPE_CHECKING:
    from analyst_app.store.case import Case

SUGGESTER = "threadline keyword rules"
TEXT_FIELDS = ("narrative", "translation", "indicators", "body")


@dataclass(frozen=True)
class Vocabulary:
    name: str
    title: str
    tags: dict[str, re.Pattern[str]]  # a tag's keyword rules joined into one pattern


@dataclass(frozen=True)
class TagSuggestion:
    object_id: str
    vocabulary: str
    tag: str
    field: str
    matched: str  # the words in the narrative that triggered it

    def as_dict(self) -> dict[str, str]:
        return {
            "object_id": self.object_id,
            "vocabulary": self.vocabulary,
            "tag": self.tag,
            "field": self.field,
            "matched": self.matched,
        }


@cache
def load_vocabularies() -> dict[str, Vocabulary]:
    with resource_path("findings", "vocabularies.yaml").open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return {
        name: Vocabulary(
            name,
            str(spec["title"]),
            {
                str(tag): re.compile(
                    r"\b(?:" + "|".join(f"(?:{p})" for p in patterns) + ")", re.IGNORECASE
                )
                for tag, patterns in spec["tags"].items()
            },
        )
        for name, spec in data.items()
    }


def tag_rules(text: str, vocabularies: list[str] | None = None) -> list[tuple[str, str, str]]:
    """(vocabulary, tag, matched words) for every tag whose keyword rules match `text`."""
    found = []
    for name, vocab in load_vocabularies().items():
        if vocabularies is not None and name not in vocabularies:
            continue
        for tag, pattern in vocab.tags.items():
            hit = pattern.search(text)
            if hit:
                found.append((name, tag, hit.group(0)))
    return found


def suggest_tags(
    case: Case, *, vocabularies: list[str] | None = None, store: bool = True
) -> list[TagSuggestion]:
    """Suggest tags for every tip and report; with `store`, save the new ones (audited)."""
    if vocabularies is None:
        from analyst_app.findings.thresholds import case_thresholds

        vocabularies = list(case_thresholds(case)["TAGS"]["vocabularies"])
    suggestions: list[TagSuggestion] = []
    for row in tag_rows.tip_texts(case, TEXT_FIELDS):
        seen: set[tuple[str, str]] = set()
        for name, text in zip(TEXT_FIELDS, row[1:], strict=True):
            if not text:
                continue
            for vocab, tag, matched in tag_rules(str(text), vocabularies):
                if (vocab, tag) not in seen:
                    seen.add((vocab, tag))
                    suggestions.append(TagSuggestion(row[0], vocab, tag, name, matched))
    if not store:
        return suggestions
    decided = tag_rows.tag_keys(case)
    new = [s for s in suggestions if (s.object_id, s.vocabulary, s.tag) not in decided]
    if new:
        from analyst_app.store.case import utc_now

        now = utc_now()
        by_vocab: dict[str, int] = {}
        for s in new:
            by_vocab[s.vocabulary] = by_vocab.get(s.vocabulary, 0) + 1
        with case.write("suggest tags", {"suggested": len(new), "by_vocabulary": by_vocab}) as c:
            tag_rows.insert_suggested(
                c, [(s.object_id, s.vocabulary, s.tag, now, SUGGESTER) for s in new]
            )
    return new


def _decide(case: Case, object_id: str, vocabulary: str, tag: str, state: str) -> None:
    if vocabulary not in load_vocabularies() or tag not in load_vocabularies()[vocabulary].tags:
        raise CaseError(f"{tag!r} is not a tag of the {vocabulary!r} vocabulary.")
    old = tag_rows.tag_state(case, object_id, vocabulary, tag)
    if old is None and state == "rejected":
        raise CaseError(f"{object_id} has no tag {tag!r} to reject.")
    if old == state:
        return
    from analyst_app.store.case import utc_now

    details = {"object_id": object_id, "vocabulary": vocabulary, "tag": tag,
               "old": old, "new": state}  # fmt: skip
    with case.write(f"{state[:-2] if state.endswith('ed') else state} tag", details) as conn:
        if old is None:
            tag_rows.insert_tag(conn, object_id, vocabulary, tag, state, utc_now(), case.analyst)
        else:
            tag_rows.update_tag(conn, object_id, vocabulary, tag, state)


def accept_tag(case: Case, object_id: str, vocabulary: str, tag: str) -> None:
    """The analyst confirms a tag (a suggested one, or one they add themselves)."""
    _decide(case, object_id, vocabulary, tag, "accepted")


def reject_tag(case: Case, object_id: str, vocabulary: str, tag: str) -> None:
    """The analyst turns a suggestion down; it stays recorded so it is not suggested again."""
    _decide(case, object_id, vocabulary, tag, "rejected")
