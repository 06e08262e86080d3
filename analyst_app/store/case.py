"""A case: one encrypted file, one connection, opened with a passphrase.

One connection per case because SQLCipher's key derivation costs ~100 ms per open.
Writes go through `write()`, a transaction that also appends the audit entry, so a
change and its record in the audit trail land together or not at all.
"""

from __future__ import annotations

import getpass
import json
import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analyst_app import __version__
from analyst_app.schema.grading import DEFAULT_SCHEME, GradingScheme, grading_schemes
from analyst_app.schema.loader import Schema, default_schema
from analyst_app.store import audit
from analyst_app.store.connection import (
    Connection,
    DatabaseError,
    OperationalError,
    connect,
    quote_passphrase,
    translate_operational_error,
)
from analyst_app.store.errors import CaseError
from analyst_app.store.migrations import migrate

if TYPE_CHECKING:
    import sqlite_utils

DEFAULT_SETTINGS: dict[str, Any] = {
    "case_number": "",
    "title": "",
    "agency": "",
    "time_zone": "UTC",
    "phone_region": "US",
    "handling_marking": "LAW ENFORCEMENT SENSITIVE",
    "grading_scheme": DEFAULT_SCHEME,
    "bates_prefix": "TL",
    "business_hours": "09:00-21:00",
}


_schema_lock = threading.Lock()


def shared_schema() -> Schema:
    """The shipped schema, read once even when two threads ask at the same time.

    Reading its YAML takes ~0.1 s of Python: the GUI reads it on its own thread while
    the pool derives a case's key (C code, which lets the GUI thread run), and the
    pool's `Case.open` then waits for that read here instead of doing it a second time.
    """
    with _schema_lock:
        return default_schema()


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def current_analyst() -> str:
    try:
        return os.environ.get("THREADLINE_ANALYST") or getpass.getuser()
    except Exception:  # getuser raises on odd platforms with no user name
        return "unknown"


class Case:
    """An unlocked case. Use `Case.create` or `Case.open`, and close it (or use `with`)."""

    def __init__(self, path: Path, conn: Connection, schema: Schema) -> None:
        self.path = path
        self.conn = conn
        self.schema = schema
        self.analyst = current_analyst()
        self._closed = False

    # -- lifecycle -----------------------------------------------------------------
    @classmethod
    def create(
        cls, path: str | Path, passphrase: str, settings: dict[str, Any] | None = None
    ) -> Case:
        path = Path(path).absolute()
        conn = connect(path, passphrase, create=True)
        try:
            migrate(conn, path.name)
            case = cls(path, conn, shared_schema())
            chosen = {**DEFAULT_SETTINGS, **(settings or {})}
            with case.write("create case", {"settings": chosen, "version": __version__}):
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('case_id', ?), ('settings', ?),"
                    " ('created_at', ?), ('created_with', ?)",
                    (uuid.uuid4().hex, json.dumps(chosen), utc_now(), f"Threadline {__version__}"),
                )
        except BaseException:
            conn.close()
            for leftover in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm"))):
                leftover.unlink(missing_ok=True)
            raise
        return case

    @classmethod
    def open(cls, path: str | Path, passphrase: str) -> Case:
        path = Path(path).absolute()
        conn = connect(path, passphrase, create=False)
        try:
            migrate(conn, path.name)
        except OperationalError as exc:
            conn.close()
            raise translate_operational_error(exc, path) from None
        except BaseException:
            conn.close()
            raise
        return cls(path, conn, shared_schema())

    @cached_property
    def db(self) -> sqlite_utils.Database:
        """sqlite_utils over the case's connection, made on first use.

        Importing sqlite_utils (and numpy, which it pulls in) costs ~0.6 s, and nothing on
        the way to the first painted window needs it, so only code that uses it pays.
        """
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Close the case (again is harmless). A clean checkpoint leaves one file behind.

        The checkpoint may fail (another reader, or a cursor left half-read, which makes
        it raise "database table is locked", a DatabaseError): the connection is closed
        all the same, so the key leaves memory; SQLite keeps the WAL consistent and the
        next open checkpoints it.
        """
        if self._closed:
            return
        self._closed = True
        try:
            with suppress(DatabaseError):  # OperationalError is a DatabaseError
                self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            self.conn.close()

    def __enter__(self) -> Case:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def rekey(self, new_passphrase: str) -> None:
        """Re-encrypt every page under a new passphrase, in place."""
        key = quote_passphrase(new_passphrase)
        with self.write("change passphrase", {}):
            pass
        # SQLCipher 4 cannot rekey in WAL mode: step out of it for the rekey.
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.conn.execute("PRAGMA journal_mode = DELETE").fetchone()
        try:
            self.conn.execute(f"PRAGMA rekey = {key}")
        finally:
            self.conn.execute("PRAGMA journal_mode = WAL").fetchone()

    # -- transactions and audit ----------------------------------------------------
    @contextmanager
    def write(self, action: str, details: dict[str, Any]) -> Iterator[Connection]:
        """A write transaction that appends one audit entry; all or nothing."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except OperationalError as exc:
            raise translate_operational_error(exc, self.path) from None
        try:
            yield self.conn
            audit.append(self.conn, self.analyst, action, details)
            self.conn.execute("COMMIT")
        except OperationalError as exc:
            self._rollback()
            raise translate_operational_error(exc, self.path) from None
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    # -- meta ------------------------------------------------------------------------
    def _meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    @property
    def case_id(self) -> str:
        value = self._meta("case_id")
        if value is None:
            raise CaseError(f"{self.path.name} has no case id; it may be damaged.")
        return value

    @property
    def settings(self) -> dict[str, Any]:
        stored = json.loads(self._meta("settings") or "{}")
        return {**DEFAULT_SETTINGS, **stored}

    def update_settings(self, **changes: Any) -> None:
        old = self.settings
        new = {**old, **changes}
        diff = {k: {"old": old.get(k), "new": v} for k, v in changes.items()}
        with self.write("edit settings", diff) as conn:
            conn.execute("UPDATE meta SET value = ? WHERE key = 'settings'", (json.dumps(new),))

    @property
    def grading(self) -> GradingScheme:
        return grading_schemes()[self.settings["grading_scheme"]]
