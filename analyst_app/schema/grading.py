"""Grading schemes (Admiralty, UK 3x5x2, UK 5x5x5, Europol 4x4) read from resources/grading.

A case names its scheme in its settings; a grade is stored as the two codes, checked
against that scheme so a typo never reaches a brief.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from analyst_app.resources import resource_path
from analyst_app.schema.loader import SchemaError
from analyst_app.schema.yamlfile import safe_load


@dataclass(frozen=True)
class GradingScheme:
    name: str
    label: str
    source: dict[str, str]
    information: dict[str, str]
    handling: dict[str, str]

    def check(self, source: str | None, information: str | None) -> None:
        if source is not None and source not in self.source:
            raise ValueError(f"source grade {source!r} is not in {self.label}")
        if information is not None and information not in self.information:
            raise ValueError(f"information grade {information!r} is not in {self.label}")


@cache
def grading_schemes() -> dict[str, GradingScheme]:
    schemes: dict[str, GradingScheme] = {}
    for path in sorted(resource_path("grading").glob("*.yaml")):
        raw = safe_load(path.read_text(encoding="utf-8"))
        try:
            scheme = GradingScheme(
                name=str(raw["name"]),
                label=str(raw["label"]),
                source={str(k): str(v) for k, v in raw["source"].items()},
                information={str(k): str(v) for k, v in raw["information"].items()},
                handling={str(k): str(v) for k, v in (raw.get("handling") or {}).items()},
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise SchemaError(f"{path.name}: {exc}: missing or malformed") from None
        schemes[scheme.name] = scheme
    return schemes


DEFAULT_SCHEME = "admiralty"
