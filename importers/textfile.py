"""Reading tabular files as they arrive: any common encoding, delimiter and header layout.

Every tabular importer (generic CSV/XLSX, CDR, bank, tips, worker messages) reads through
`iter_table`, so they all accept UTF-8 (with or without BOM), UTF-16 and cp1252, comma,
semicolon, tab or pipe, and XLSX, and they all report ragged rows the same way.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from importers.base import Unreadable

csv.field_size_limit(16 * 1024 * 1024)  # narratives can be long; 16 MiB is still bounded
DELIMITERS = ",;\t|"
SNIFF_BYTES = 64 * 1024


@dataclass(slots=True)
class TableRow:
    locator: str
    values: dict[str, str]
    raw: str
    problem: str | None = None


def detect_encoding(head: bytes) -> str:
    """BOM first; then UTF-16 by its zero bytes; then strict UTF-8; else cp1252."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head[:4096]:
        sample = head[:4096]
        if sample[1::2].count(0) > len(sample) // 4:
            return "utf-16-le"
        if sample[0::2].count(0) > len(sample) // 4:
            return "utf-16-be"
        raise Unreadable("it is a binary file, not text")
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the sample
            return "cp1252"
    return "utf-8"


def head_text(path: Path, limit: int = SNIFF_BYTES) -> str:
    with path.open("rb") as handle:
        head = handle.read(limit)
    encoding = detect_encoding(head)
    return head.decode(encoding, errors="replace").lstrip("\ufeff")


def detect_delimiter(sample: str) -> str:
    """The delimiter that splits the header into the most fields, the records consistently.

    Records are parsed with the csv module (not split on newlines), so quoted cells with
    line breaks or other delimiters inside them don't mislead the count.
    """
    best, best_score = ",", 0.0
    for delimiter in DELIMITERS:
        try:
            records = list(
                itertools.islice(csv.reader(io.StringIO(sample), delimiter=delimiter), 21)
            )
        except csv.Error:
            continue
        if len(records) > 1 and not sample.endswith(("\n", "\r")):
            records.pop()  # the sample may end mid-record
        try:
            records = records or [[]]
        except csv.Error:
            continue
        width = len(records[0])
        if width < 2:
            continue
        consistent = sum(1 for r in records if len(r) == width) / len(records)
        score = width * consistent
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _looks_like_data(cell: str) -> bool:
    stripped = cell.strip().replace(".", "").replace("-", "").replace(":", "").replace("+", "")
    return stripped.isdigit() or "@" in cell


def detect_header(first: list[str]) -> bool:
    """A header has no numbers or emails and distinct non-empty names."""
    if any(_looks_like_data(c) for c in first) or len(set(first)) != len(first):
        return False
    return all(c.strip() for c in first)


def _progress_reader(
    raw: io.BufferedReader, size: int, progress: Callable[[float], None] | None
) -> Callable[[], None]:
    last = [0.0]

    def tick() -> None:
        if progress and size:
            fraction = raw.tell() / size
            if fraction - last[0] >= 0.01:
                last[0] = fraction
                progress(min(fraction, 1.0))

    return tick


def iter_csv(
    path: Path,
    *,
    delimiter: str | None = None,
    header: bool | None = None,
    columns: list[str] | None = None,
    progress: Callable[[float], None] | None = None,
) -> Iterator[TableRow]:
    """Rows as {column: value}; a row with the wrong number of fields carries a problem."""
    with path.open("rb") as raw:
        head = raw.read(SNIFF_BYTES)
        encoding = detect_encoding(head)
        raw.seek(0)
        sample = head.decode(encoding, errors="replace").lstrip("\ufeff")
        delimiter = delimiter or detect_delimiter(sample)
        text = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
        reader = csv.reader(text, delimiter=delimiter)
        tick = _progress_reader(raw, path.stat().st_size, progress)
        try:
            first = next(reader, None)
            if first is None:
                return
            first = [c.lstrip("\ufeff").strip() for c in first]
            if header is None:
                header = columns is None and detect_header(first)
            names = columns or (first if header else [f"column_{i + 1}" for i in range(len(first))])
            pending = [] if header else [first]
            for cells in itertools.chain(pending, reader):
                if not any(c.strip() for c in cells):
                    continue  # a blank line is not a row
                locator = f"line {reader.line_num}"
                raw_line = delimiter.join(cells)
                if len(cells) != len(names):
                    yield TableRow(
                        locator,
                        {},
                        raw_line,
                        f"row has {len(cells)} fields where the header has {len(names)}",
                    )
                else:
                    yield TableRow(locator, dict(zip(names, cells, strict=True)), raw_line)
                tick()
        except csv.Error as exc:
            raise Unreadable(f"it is not a readable delimited text file ({exc})") from None


def is_xlsx(path: Path) -> bool:
    return zipfile.is_zipfile(path) and path.suffix.lower() in (".xlsx", ".xlsm")


def iter_xlsx(
    path: Path, *, sheet: str | None = None, progress: Callable[[float], None] | None = None
) -> Iterator[TableRow]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise Unreadable(f"it is not a readable XLSX workbook ({type(exc).__name__})") from None
    try:
        ws = book[sheet] if sheet else book.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        first = next(rows, None)
        if first is None:
            return
        names = [
            str(c).strip() if c is not None else f"column_{i + 1}" for i, c in enumerate(first)
        ]
        total = ws.max_row or 0
        for number, cells in enumerate(rows, start=2):
            values = [
                "" if c is None else (c.isoformat() if hasattr(c, "isoformat") else str(c))
                for c in cells
            ]
            if not any(v.strip() for v in values):
                continue
            values = (values + [""] * len(names))[: len(names)]
            yield TableRow(
                f"sheet {ws.title} row {number}",
                dict(zip(names, values, strict=True)),
                "\t".join(values),
            )
            if progress and total and number % 1000 == 0:
                progress(number / total)
    finally:
        book.close()


def iter_table(path: Path, **options: object) -> Iterator[TableRow]:
    if is_xlsx(path):
        return iter_xlsx(path, progress=options.get("progress"))  # type: ignore[arg-type]
    return iter_csv(path, **options)  # type: ignore[arg-type]
