"""Rule thresholds: shipped defaults (resources/findings/thresholds.yaml) plus the case's own.

The case keeps its overrides as YAML text in the setting `findings_thresholds`, so an analyst
can write them by hand and the audit trail shows every change. Only the keys that change are
needed; an unknown rule or key is refused with one sentence rather than silently ignored.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import TYPE_CHECKING, Any

import yaml

from analyst_app.resources import resource_path
from analyst_app.store.errors import CaseError

if TYPE_CHECKING:
    from analyst_app.store.case import Case

SETTING = "findings_thresholds"
Thresholds = dict[str, dict[str, Any]]


class ThresholdError(CaseError):
    """The case's thresholds YAML cannot be used (one sentence saying why)."""


@cache
def _defaults() -> Thresholds:
    with resource_path("findings", "thresholds.yaml").open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return {str(rule): dict(values or {}) for rule, values in data.items()}


def default_thresholds() -> Thresholds:
    return copy.deepcopy(_defaults())


def parse_overrides(text: str) -> Thresholds:
    """Check an overrides YAML against the defaults; return it as a dict."""
    try:
        data = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ThresholdError(f"The findings thresholds are not valid YAML{where}.") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ThresholdError("The findings thresholds must map rule ids to their settings.")
    defaults = _defaults()
    out: Thresholds = {}
    for rule, values in data.items():
        rule = str(rule)
        if rule not in defaults:
            raise ThresholdError(f"The findings thresholds name an unknown rule {rule!r}.")
        if not isinstance(values, dict):
            raise ThresholdError(f"The thresholds of {rule} must be a mapping of names to values.")
        for key, value in values.items():
            if key not in defaults[rule]:
                raise ThresholdError(f"{rule} has no threshold called {key!r}.")
            expected = defaults[rule][key]
            if isinstance(expected, bool) or not _same_kind(expected, value):
                raise ThresholdError(f"{rule}.{key} should be {_kind(expected)}, not {value!r}.")
        out[rule] = dict(values)
    return out


def _same_kind(expected: Any, value: Any) -> bool:
    if isinstance(expected, int | float):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if isinstance(expected, list):
        return isinstance(value, list)
    return isinstance(value, type(expected))


def _kind(expected: Any) -> str:
    if isinstance(expected, int | float):
        return "a number"
    if isinstance(expected, list):
        return "a list"
    return "text"


def case_thresholds(case: Case) -> Thresholds:
    """The defaults with the case's overrides applied."""
    merged = default_thresholds()
    for rule, values in parse_overrides(str(case.settings.get(SETTING) or "")).items():
        merged[rule].update(values)
    return merged


def set_case_thresholds(case: Case, text: str) -> None:
    """Save the case's overrides (YAML text), checked first; audited as a settings edit."""
    parse_overrides(text)
    case.update_settings(**{SETTING: text})
