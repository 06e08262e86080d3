"""Shared body of the spec-driven importers: read a table, apply a spec to every row."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from importers.base import ReadOptions, Row
from importers.mapping import Spec
from importers.mapping_apply import SpecApplier
from importers.textfile import iter_table


def read_with_spec(path: Path, spec: Spec, options: ReadOptions) -> Iterator[Row]:
    applier: SpecApplier | None = None
    known = options.known
    for table_row in iter_table(path, progress=options.progress):
        if table_row.locator in known:
            yield Row(table_row.locator)
            continue
        if table_row.problem:
            yield Row(table_row.locator, raw=table_row.raw, problem=table_row.problem)
            continue
        if applier is None:  # column names are matched once, from the first row
            applier = SpecApplier(spec, options.time_zone, spec.aliases(list(table_row.values)))
        yield applier.apply(table_row.values, table_row.locator, table_row.raw)
