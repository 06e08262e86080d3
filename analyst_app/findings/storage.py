"""Saving and reading findings (tables `findings` and `finding_entities`).

Re-running the rules replaces the open findings, but a finding the analyst accepted or
dismissed keeps that state when the same id comes back; one that no longer fires is kept
too, so a decision is never silently lost.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from analyst_app.findings.model import STATES, Evidence, Finding
from analyst_app.store import findings_rows as rows_
from analyst_app.store.errors import CaseError

if TYPE_CHECKING:
    from analyst_app.store.case import Case


def store_findings(case: Case, findings: list[Finding]) -> dict[str, int]:
    """Replace the open findings by `findings` in one audited transaction; return counts."""
    from analyst_app.store.case import utc_now

    now = utc_now()
    decided = rows_.decided_states(case)
    by_rule: dict[str, int] = {}
    for finding in findings:
        by_rule[finding.rule] = by_rule.get(finding.rule, 0) + 1
    details = {"findings": len(findings), "by_rule": by_rule, "kept_decisions": len(decided)}
    with case.write("run findings", details) as conn:
        rows_.delete_open(conn)
        seen: set[str] = set()
        for f in findings:
            if f.id in seen:
                continue
            seen.add(f.id)
            row = (
                f.rule,
                f.title,
                f.severity,
                f.explanation,
                json.dumps(list(f.entities), ensure_ascii=False),
                json.dumps([e.as_dict() for e in f.evidence], ensure_ascii=False),
                json.dumps(f.thresholds, ensure_ascii=False, sort_keys=True),
                f.run_at or now,
            )
            if f.id in decided:  # the analyst's decision stays; the content is refreshed
                rows_.refresh_decided(conn, f.id, row)
            else:
                rows_.insert_open(conn, f.id, row)
            rows_.link_entities(conn, f.id, f.entities)
    return {"stored": len(seen), "kept_decisions": len(decided)}


def load_findings(case: Case, *, entity_id: str | None = None) -> list[Finding]:
    """Saved findings, most severe first; with `entity_id`, only those about that entity."""
    from analyst_app.findings.victims import potential_victims

    rows = rows_.finding_rows(case, entity_id=entity_id)
    victims = potential_victims(case) if rows else frozenset()
    out = []
    for fid, rule, title, sev, expl, ents, evid, thr, state, run_at in rows:
        entities = tuple(json.loads(ents))
        out.append(
            Finding(
                rule=rule,
                title=title,
                severity=sev,
                explanation=expl,
                entities=entities,
                evidence=tuple(Evidence.from_dict(e) for e in json.loads(evid)),
                thresholds=json.loads(thr),
                state=state,
                run_at=run_at,
                counterparts=frozenset(e for e in entities if e in victims),
                id=fid,
            )
        )
    return out


def set_state(case: Case, finding_id: str, state: str) -> None:
    """Record the analyst's decision on a finding (audited with the old and new state)."""
    if state not in STATES:
        raise CaseError(f"A finding's state is one of {', '.join(STATES)}, not {state!r}.")
    old = rows_.finding_state(case, finding_id)
    if old is None:
        raise CaseError(f"There is no finding {finding_id!r} in this case.")
    if old == state:
        return
    details = {"id": finding_id, "old": old, "new": state}
    with case.write("finding state", details) as conn:
        rows_.update_state(conn, finding_id, state)
