"""YAML reading for the schema and grading files, with libyaml's parser when present.

The pure-Python SafeLoader took 178 ms on the 40 shipped files where libyaml's takes 13:
that is start-up time an analyst waits for. Both accept the same safe subset of YAML.
"""

from __future__ import annotations

from typing import Any

import yaml

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    return yaml.load(text, Loader=_LOADER)
