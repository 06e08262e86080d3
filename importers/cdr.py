"""Call detail records. No standard exists, so each carrier layout is a mapping spec.

The normalized layout (record_id, call_type, a_party, b_party, start_utc, ...) and the
shipped carrier layouts in resources/specs/cdr are recognised by their header; another
layout is read with `--spec FILE`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from importers.base import ReadOptions, Row, Unreadable
from importers.mapping import SpecError, parse_spec
from importers.specs import best_match, header_of, shipped
from importers.tabular import read_with_spec

name = "cdr"
title = "Call detail records"
description = "carrier call records (CSV/TSV/XLSX): normalized layout or a carrier spec"
version = "1"
patterns = ("*.csv", "*.tsv", "*.txt", "*.xlsx")


def sniff(path: Path, head: bytes) -> float:
    return 0.9 if best_match(shipped("cdr"), header_of(path)) else 0.0


def read(path: Path, options: ReadOptions) -> Iterator[Row]:
    if options.spec is not None:
        try:
            spec = parse_spec(options.spec)
        except SpecError as exc:
            raise Unreadable(f"the mapping spec is wrong at {exc}") from None
    else:
        found = best_match(shipped("cdr"), header_of(path))
        if found is None:
            raise Unreadable("its columns match no known call-record layout; give one with --spec")
        spec = found
    return read_with_spec(path, spec, options)
