"""Numbered, named migrations. `PRAGMA user_version` holds the last one applied.

A case written by a newer Threadline has a higher number than we know: refuse it rather
than guess, because writing to it could lose what the newer version stored.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from analyst_app.store.connection import Connection
from analyst_app.store.errors import NewerCase

_OBJECT_COLUMNS = """
    label TEXT NOT NULL,
    properties TEXT NOT NULL DEFAULT '{}',
    search_text TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'unconfirmed',
    source_grade TEXT,
    info_grade TEXT,
    handling TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
"""

# New rows are indexed in bulk by the writer (INSERT ... SELECT after each batch): an
# AFTER INSERT trigger indexed 4x slower (33k against 136k rows/s, measured here).
# Updates and deletes are rare and go through triggers so the index never goes stale.
_FTS_TRIGGERS = """
CREATE VIRTUAL TABLE {t}_fts USING fts5(
    label, search_text, content='{t}', content_rowid='rowid',
    prefix='2 3', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER {t}_ad AFTER DELETE ON {t} BEGIN
    INSERT INTO {t}_fts({t}_fts, rowid, label, search_text)
    SELECT 'delete', old.rowid, old.label, old.search_text WHERE {old_indexed};
END;
CREATE TRIGGER {t}_au AFTER UPDATE OF label, search_text ON {t} BEGIN
    INSERT INTO {t}_fts({t}_fts, rowid, label, search_text)
    SELECT 'delete', old.rowid, old.label, old.search_text WHERE {old_indexed};
    INSERT INTO {t}_fts(rowid, label, search_text)
    SELECT new.rowid, new.label, new.search_text WHERE {new_indexed};
END;
"""

# Which rows the index holds (writer.py indexes new rows by the same rule): every entity,
# and the events with text to find (most calls and transactions have none).
INDEXED = {
    "entities": "{r}.label != '' OR {r}.search_text != ''",
    "events": "{r}.search_text != ''",
}


def _fts(table: str) -> str:
    rule = INDEXED[table]
    return _FTS_TRIGGERS.format(
        t=table, old_indexed=rule.format(r="old"), new_indexed=rule.format(r="new")
    )


INITIAL = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE entities (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    role TEXT,
    {_OBJECT_COLUMNS}
);
CREATE INDEX entities_type ON entities(type);
CREATE TABLE links (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    source_id TEXT NOT NULL,
    target_id TEXT NOT NULL,
    {_OBJECT_COLUMNS}
);
CREATE INDEX links_source ON links(source_id);
CREATE INDEX links_target ON links(target_id);
CREATE TABLE events (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    start_utc TEXT,
    end_utc TEXT,
    {_OBJECT_COLUMNS}
);
CREATE INDEX events_start ON events(start_utc);
CREATE INDEX events_type ON events(type);
CREATE TABLE event_entities (
    event_id TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    role TEXT NOT NULL,
    PRIMARY KEY (event_id, entity_id, role)
) WITHOUT ROWID;
CREATE INDEX event_entities_entity ON event_entities(entity_id);
CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    file_name TEXT NOT NULL,
    path TEXT,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    importer TEXT NOT NULL,
    importer_version TEXT NOT NULL,
    acquired_at TEXT,
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    description TEXT,
    UNIQUE (sha256, importer)
);
CREATE TABLE provenance (
    object_id TEXT NOT NULL,
    source_id INTEGER NOT NULL REFERENCES sources(id),
    locator TEXT NOT NULL,
    PRIMARY KEY (object_id, source_id, locator)
) WITHOUT ROWID;
CREATE INDEX provenance_source ON provenance(source_id);
CREATE TABLE quarantine (
    id INTEGER PRIMARY KEY,
    source_id INTEGER REFERENCES sources(id),
    locator TEXT NOT NULL,
    reason TEXT NOT NULL,
    raw TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (source_id, locator, reason)
);
CREATE TABLE tags (
    object_id TEXT NOT NULL,
    vocabulary TEXT NOT NULL,
    tag TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'accepted',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (object_id, vocabulary, tag)
) WITHOUT ROWID;
CREATE TABLE notes (
    id INTEGER PRIMARY KEY,
    object_id TEXT NOT NULL,
    text TEXT NOT NULL,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX notes_object ON notes(object_id);
CREATE TABLE merges (
    id INTEGER PRIMARY KEY,
    kept_id TEXT NOT NULL,
    merged_id TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    undone_at TEXT
);
CREATE TABLE chart_views (
    name TEXT PRIMARY KEY,
    view TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE import_specs (
    name TEXT PRIMARY KEY,
    spec TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE audit (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    analyst TEXT NOT NULL,
    action TEXT NOT NULL,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE migrations (number INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);
{_fts("entities")}
{_fts("events")}
"""


def _initial(conn: Connection) -> None:
    # executescript would COMMIT our transaction; run statement by statement instead.
    for statement in _split_statements(INITIAL):
        conn.execute(statement)


def _split_statements(script: str) -> list[str]:
    """Split on ';' at ends of statements, keeping trigger bodies whole."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        stripped = line.strip()
        if stripped.endswith(";") and (
            not current.lstrip().startswith("CREATE TRIGGER") or stripped == "END;"
        ):
            statements.append(current.strip())
            current = ""
    return [s for s in statements if s]


FINDINGS_AND_DECISIONS = """
CREATE TABLE findings (
    id TEXT PRIMARY KEY,
    rule TEXT NOT NULL,
    title TEXT NOT NULL,
    severity TEXT NOT NULL,
    explanation TEXT NOT NULL,
    entities TEXT NOT NULL,
    evidence TEXT NOT NULL,
    thresholds TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'open',
    run_at TEXT NOT NULL
);
CREATE INDEX findings_rule ON findings(rule);
CREATE TABLE finding_entities (
    finding_id TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    PRIMARY KEY (finding_id, entity_id)
) WITHOUT ROWID;
CREATE INDEX finding_entities_entity ON finding_entities(entity_id);
CREATE TABLE resolution_decisions (
    a_id TEXT NOT NULL,
    b_id TEXT NOT NULL,
    decision TEXT NOT NULL,
    reasons TEXT NOT NULL DEFAULT '[]',
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    PRIMARY KEY (a_id, b_id)
) WITHOUT ROWID;
"""


def _findings_and_decisions(conn: Connection) -> None:
    for statement in _split_statements(FINDINGS_AND_DECISIONS):
        conn.execute(statement)


MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "initial tables, full-text search and audit", _initial),
    (2, "findings and resolution decisions", _findings_and_decisions),
]
LATEST = MIGRATIONS[-1][0]


def schema_version(conn: Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: Connection, case_name: str) -> list[str]:
    """Apply pending migrations, each in its own transaction; return the names applied."""
    current = schema_version(conn)
    if current > LATEST:
        raise NewerCase(
            f"{case_name} was written by a newer Threadline (case format {current}; this "
            f"version reads up to {LATEST}); update Threadline to open it."
        )
    applied = []
    for number, name, step in MIGRATIONS:
        if number <= current:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            step(conn)
            conn.execute(
                "INSERT INTO migrations (number, name, applied_at) VALUES (?, ?, ?)",
                (number, name, datetime.now(UTC).isoformat()),
            )
            conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied
