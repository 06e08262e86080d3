"""Shared body of the spec-driven importers: read a table, apply a spec to every row."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from importers.base import ReadOptions, Row
from importers.mapping import Spec
from importers.mapping_apply import apply_spec
from importers.textfile import iter_table


def read_with_spec(path: Path, spec: Spec, options: ReadOptions) -> Iterator[Row]:
    for table_row in iter_table(path, progress=options.progress):
        if table_row.problem:
            yield Row(table_row.locator, raw=table_row.raw, problem=table_row.problem)
            continue
        yield apply_spec(
            spec, table_row.values, table_row.locator, table_row.raw, options.time_zone
        )
