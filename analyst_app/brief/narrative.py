"""The analyst's narrative: their own summary of the case, kept in the case settings.

It is stored as the `narrative` setting (so it travels with the encrypted case and every
change to it is in the audit trail through `update_settings`), and printed in the brief's
summary under its own heading, apart from the facts the records support.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from analyst_app.brief.front import NARRATIVE_KEY

if TYPE_CHECKING:
    from analyst_app.store.case import Case

MAX_CHARS = 20_000


def narrative(case: Case) -> str:
    return str(case.settings.get(NARRATIVE_KEY) or "")


def set_narrative(case: Case, text: str) -> None:
    """Replace the narrative (audited). Paragraphs are separated by a blank line."""
    from analyst_app.store.errors import CaseError

    cleaned = "\n".join(line.rstrip() for line in text.strip().splitlines())
    if len(cleaned) > MAX_CHARS:
        raise CaseError(
            f"The narrative is {len(cleaned):,} characters; keep it under {MAX_CHARS:,}."
        )
    if cleaned != narrative(case):
        case.update_settings(**{NARRATIVE_KEY: cleaned})
