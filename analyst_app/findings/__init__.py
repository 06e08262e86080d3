"""Red-flag findings: rules over a case (DOMAIN.md sections 1, 2 and 4), each hit with the
entities it is about and the exact rows (with provenance) that triggered it.

    findings = run_rules(case)          # compute (nothing written)
    store_findings(case, findings)      # save, audited; analyst decisions survive re-runs
    load_findings(case)                 # read back, most severe first
    set_state(case, finding.id, "accepted")

Thresholds are per case (setting `findings_thresholds`, YAML); see `thresholds.py`.
Indicator tags suggested from tip narratives: `suggest_tags`, `accept_tag`, `reject_tag`.
"""

from analyst_app.findings.model import SEVERITIES, STATES, Evidence, Finding, finding_id
from analyst_app.findings.registry import RULE_IDS, RULES, Rule, run_rules
from analyst_app.findings.storage import load_findings, set_state, store_findings
from analyst_app.findings.tags import (
    TagSuggestion,
    accept_tag,
    load_vocabularies,
    reject_tag,
    suggest_tags,
    tag_rules,
)
from analyst_app.findings.thresholds import (
    ThresholdError,
    case_thresholds,
    default_thresholds,
    set_case_thresholds,
)
from analyst_app.findings.victims import potential_victims

__all__ = [
    "RULES",
    "RULE_IDS",
    "SEVERITIES",
    "STATES",
    "Evidence",
    "Finding",
    "Rule",
    "TagSuggestion",
    "ThresholdError",
    "accept_tag",
    "case_thresholds",
    "default_thresholds",
    "finding_id",
    "load_findings",
    "load_vocabularies",
    "potential_victims",
    "reject_tag",
    "run_rules",
    "set_case_thresholds",
    "set_state",
    "store_findings",
    "suggest_tags",
    "tag_rules",
]
