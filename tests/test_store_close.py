"""Closing a case always closes its connection, even when the checkpoint cannot run."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyst_app.model import Entity
from analyst_app.store import Case
from analyst_app.store.connection import DatabaseError
from analyst_app.store.editing import add_one
from tests.conftest import PASSPHRASE


def _case_with_rows(path: Path, count: int) -> Case:
    case = Case.create(path, PASSPHRASE)
    for n in range(count):
        add_one(case, Entity(type="Person", label=f"Person {n:03d}"))
    return case


def test_a_half_read_cursor_does_not_stop_the_close(case_path: Path) -> None:
    case = _case_with_rows(case_path, 40)
    cursor = case.conn.execute("SELECT id FROM entities")
    assert cursor.fetchone() is not None  # the statement stays active, mid-read
    with pytest.raises(DatabaseError):  # the situation Case.close has to survive
        case.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    case.close()
    assert case.closed
    with pytest.raises(DatabaseError):  # the connection really is closed
        case.conn.execute("SELECT 1")
    case.close()  # again is harmless

    reopened = Case.open(case_path, PASSPHRASE)  # nothing lost; the WAL is replayed
    assert reopened.conn.execute("SELECT count(*) FROM entities").fetchone()[0] == 40
    reopened.close()
    assert not case_path.with_name(case_path.name + "-wal").exists()


def test_a_clean_close_leaves_only_the_case_file(case_path: Path) -> None:
    case = _case_with_rows(case_path, 3)
    case.close()
    assert [p.name for p in case_path.parent.iterdir()] == [case_path.name]


class _CheckpointFails:
    """The real connection, except that the checkpoint raises a plain DatabaseError (as
    SQLCipher does for some half-read cursors), which is not an OperationalError."""

    def __init__(self, conn: object) -> None:
        self.conn = conn
        self.closed = False

    def execute(self, sql: str, *args: object) -> object:
        if "wal_checkpoint" in sql:
            raise DatabaseError("database disk image is malformed")
        return self.conn.execute(sql, *args)  # type: ignore[attr-defined]

    def close(self) -> None:
        self.closed = True
        self.conn.close()  # type: ignore[attr-defined]


def test_a_checkpoint_database_error_still_closes_the_connection(case_path: Path) -> None:
    case = _case_with_rows(case_path, 2)
    real = case.conn
    wrapped = _CheckpointFails(real)
    case.conn = wrapped  # type: ignore[assignment]
    case.close()  # no exception reaches the caller
    assert case.closed and wrapped.closed
    with pytest.raises(DatabaseError):
        real.execute("SELECT 1")
    reopened = Case.open(case_path, PASSPHRASE)
    assert reopened.conn.execute("SELECT count(*) FROM entities").fetchone()[0] == 2
    reopened.close()
