"""Loading mapping specs: shipped layouts (resources/specs) and the analyst's own files."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from analyst_app.resources import resource_path
from importers.base import Unreadable
from importers.mapping import Spec, SpecError, parse_spec


def load_spec_text(text: str, origin: str) -> Spec:
    try:
        raw: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise Unreadable(f"the spec {origin} is not valid YAML ({exc})") from None
    try:
        return parse_spec(raw, default_name=Path(origin).stem)
    except SpecError as exc:
        raise Unreadable(f"the spec {origin} is wrong at {exc}") from None


@cache
def shipped(folder: str) -> tuple[Spec, ...]:
    """The specs shipped under resources/specs/<folder>, in file-name order."""
    paths = sorted(resource_path("specs", folder).glob("*.yaml"))
    return tuple(load_spec_text(p.read_text(encoding="utf-8"), p.name) for p in paths)


def header_of(path: Path) -> list[str]:
    from importers.textfile import detect_delimiter, head_text, is_xlsx

    if is_xlsx(path):
        return []
    try:
        sample = head_text(path, 16 * 1024)
    except (OSError, Unreadable):
        return []
    first = sample.splitlines()[0] if sample.splitlines() else ""
    import csv

    return next(csv.reader([first], delimiter=detect_delimiter(sample)), [])


def best_match(specs: tuple[Spec, ...], header: list[str]) -> Spec | None:
    scored = [(spec.matches(header), -i, spec) for i, spec in enumerate(specs)]
    scored = [s for s in scored if s[0] > 0]
    return max(scored, key=lambda s: (s[0], s[1]))[2] if scored else None
