"""Source files: what was imported, its SHA-256 at import, and whether it still matches.

The hash taken at import is what the brief's exhibit list and FRE 902(13) certification
rely on; `verify` re-hashes each file still at its recorded path.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from analyst_app.store.audit import ChainReport, verify_chain

if TYPE_CHECKING:
    from analyst_app.store.case import Case

CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class SourceCheck:
    source_id: int
    file_name: str
    path: str | None
    state: str  # "matches", "changed", "not at hand"


@dataclass(frozen=True)
class VerifyReport:
    chain: ChainReport
    sources: list[SourceCheck]

    @property
    def ok(self) -> bool:
        return self.chain.intact and all(s.state != "changed" for s in self.sources)


def verify(case: Case) -> VerifyReport:
    checks = []
    rows = case.conn.execute("SELECT id, file_name, path, sha256 FROM sources ORDER BY id")
    for source_id, name, path, digest in rows.fetchall():
        file = Path(path) if path else None
        if file is None or not file.is_file():
            state = "not at hand"
        else:
            state = "matches" if sha256_file(file) == digest else "changed"
        checks.append(SourceCheck(source_id, name, path, state))
    return VerifyReport(verify_chain(case.conn), checks)


def register_source(
    case: Case, path: Path, *, sha256: str, size: int, importer: str, importer_version: str
) -> tuple[int, bool]:
    """The source row for this file and importer, inside the caller's transaction.

    Returns (source id, whether it was already there: the same bytes read the same way).
    """
    from analyst_app.store.case import utc_now

    row = case.conn.execute(
        "SELECT id FROM sources WHERE sha256 = ? AND importer = ?", (sha256, importer)
    ).fetchone()
    if row:
        return int(row[0]), True
    cursor = case.conn.execute(
        "INSERT INTO sources (file_name, path, size, sha256, importer, importer_version,"
        " imported_at, imported_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            path.name,
            str(path.absolute()),
            size,
            sha256,
            importer,
            importer_version,
            utc_now(),
            case.analyst,
        ),
    )
    return int(cursor.lastrowid or 0), False


def save_spec(case: Case, name: str, spec: dict[str, Any]) -> None:
    """Keep a mapping spec in the case so the next file of that layout can reuse it."""
    from analyst_app.store.case import utc_now

    text = yaml.safe_dump(spec, sort_keys=False, allow_unicode=True)
    case.conn.execute(
        "INSERT INTO import_specs (name, spec, created_at) VALUES (?, ?, ?)"
        " ON CONFLICT (name) DO UPDATE SET spec = excluded.spec",
        (name, text, utc_now()),
    )


def known_locators(case: Case, source_id: int) -> set[str]:
    """Locators of the rows this source already put into the case."""
    rows = case.conn.execute(
        "SELECT DISTINCT locator FROM provenance WHERE source_id = ?", (source_id,)
    )
    return {r[0] for r in rows}
