"""Any table (CSV, TSV, XLSX) through the analyst's mapping spec (`--spec FILE`).

The fallback for tabular files no specific importer claims: it reads nothing without a
spec, and says so, rather than guessing what the columns mean.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from importers.base import ReadOptions, Row, Unreadable
from importers.mapping import SpecError, parse_spec
from importers.tabular import read_with_spec
from importers.textfile import is_xlsx

name = "csv"
title = "Table with a mapping spec"
description = "any CSV/TSV/XLSX table, mapped to entities, links and events by a YAML spec"
version = "1"
patterns = ("*.csv", "*.tsv", "*.txt", "*.xlsx")


def sniff(path: Path, head: bytes) -> float:
    if is_xlsx(path):
        return 0.1
    text = head[:4096]
    return (
        0.1
        if text and b"\x00" not in text and (b"," in text or b"\t" in text or b";" in text)
        else 0.0
    )


def read(path: Path, options: ReadOptions) -> Iterator[Row]:
    if options.spec is None:
        raise Unreadable("a table like this needs a mapping spec; give one with --spec FILE")
    try:
        spec = parse_spec(options.spec)
    except SpecError as exc:
        raise Unreadable(f"the mapping spec is wrong at {exc}") from None
    return read_with_spec(path, spec, options)
