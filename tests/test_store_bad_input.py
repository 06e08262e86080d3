"""Every way a case can fail to open gives one clear sentence and leaves the file as it was."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest
import sqlcipher3

from analyst_app.model import Entity
from analyst_app.store import Case, CaseError, NewerCase, NotACase, WrongPassphrase
from analyst_app.store.editing import add_one
from tests.conftest import PASSPHRASE, run_cli, without_root_powers


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_wrong_passphrase_changes_nothing(case: Case, case_path: Path) -> None:
    add_one(case, Entity(type="Person", label="Ana Testcase"))
    case.close()
    before = _digest(case_path), sorted(p.name for p in case_path.parent.iterdir())
    with pytest.raises(WrongPassphrase, match="passphrase is wrong"):
        Case.open(case_path, "not it")
    assert (_digest(case_path), sorted(p.name for p in case_path.parent.iterdir())) == before
    result = run_cli("stats", str(case_path), passphrase="not it")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "passphrase is wrong" in result.stderr
    assert _digest(case_path) == before[0]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(os.urandom(5000)), "not a Threadline case"),
        (lambda p: p.write_bytes(os.urandom(8192)), "not a Threadline case"),
        (lambda p: p.write_bytes(b""), "is empty"),
        (lambda p: p.mkdir(), "is a folder"),
        (
            lambda p: sqlite3.connect(p).execute("CREATE TABLE t (x)").connection.close(),
            "unencrypted SQLite database",
        ),
    ],
    ids=["random-bytes", "random-pages", "empty", "folder", "plain-sqlite"],
)
def test_not_a_case(tmp_path: Path, make: object, message: str) -> None:
    path = tmp_path / "suspect.case"
    make(path)  # type: ignore[operator]
    before = _digest(path) if path.is_file() else None
    with pytest.raises(CaseError, match=message):
        Case.open(path, PASSPHRASE)
    result = run_cli("stats", str(path))
    assert result.returncode == 1 and message in result.stderr
    assert "Traceback" not in result.stderr
    if before is not None:
        assert _digest(path) == before


def test_other_sqlcipher_database_is_not_a_case(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlcipher3.connect(str(path))
    conn.execute(f"PRAGMA key = '{PASSPHRASE}'")
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(NotACase, match="encrypted database but not a Threadline case"):
        Case.open(path, PASSPHRASE)


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(CaseError, match="There is no case file"):
        Case.open(tmp_path / "nowhere.case", PASSPHRASE)
    with pytest.raises(CaseError, match="does not exist"):
        Case.create(tmp_path / "no-folder" / "x.case", PASSPHRASE)
    assert not (tmp_path / "nowhere.case").exists()


def test_existing_file_is_not_overwritten_by_new(case: Case, case_path: Path) -> None:
    case.close()
    before = _digest(case_path)
    result = run_cli("new", str(case_path))
    assert result.returncode == 1 and "already exists" in result.stderr
    assert _digest(case_path) == before


def test_read_only_case_and_folder(case: Case, case_path: Path, tmp_path: Path) -> None:
    prefix = without_root_powers()
    case.close()
    case_path.chmod(0o444)
    tmp_path.chmod(0o555)
    try:
        result = run_cli("add", str(case_path), "--type", "Person", "--label", "X", prefix=prefix)
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
        assert "read-only" in result.stderr or "cannot be opened" in result.stderr
        result = run_cli("new", str(tmp_path / "fresh.case"), prefix=prefix)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert not (tmp_path / "fresh.case").exists()
    finally:
        tmp_path.chmod(0o755)
        case_path.chmod(0o644)


def test_case_from_a_newer_version_is_refused(case: Case, case_path: Path) -> None:
    case.conn.execute("PRAGMA user_version = 999")
    case.close()
    with pytest.raises(NewerCase, match="newer Threadline"):
        Case.open(case_path, PASSPHRASE)
    result = run_cli("stats", str(case_path))
    assert result.returncode == 1 and "update Threadline" in result.stderr
