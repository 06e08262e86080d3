"""Open a SQLCipher connection with the pragmas a case needs, and say clearly why it can't.

Why these pragmas:
- `temp_store=MEMORY`: sorts and temporary tables never reach disk as plaintext.
- `secure_delete=ON`: deleted rows are overwritten, not left in free pages.
- WAL with a busy timeout: a second process reading the case waits, then fails cleanly.
- `recursive_triggers=ON`: a REPLACE that deletes a row fires its delete trigger, so the
  full-text index never keeps a replaced row (sqlite_utils used to set this on every open;
  it is now imported only when used, so the store sets it itself).
- A 256 MiB page cache: SQLCipher decrypts each page it reads, so analytic queries over
  an index were 4x slower than unencrypted with the default cache (DESIGN.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import sqlcipher3

from analyst_app.store.errors import CaseBusy, CaseError, NotACase, WrongPassphrase

# 'TLN1' in the header's application_id field: tells our cases from other SQLCipher files.
APPLICATION_ID = 0x544C4E31
PLAIN_SQLITE_HEADER = b"SQLite format 3\x00"
CACHE_KIB = 262_144
BUSY_TIMEOUT_MS = 5_000

if TYPE_CHECKING:
    # sqlcipher3 mirrors the sqlite3 API but ships no type stubs.
    from sqlite3 import Connection as Connection
else:
    Connection = sqlcipher3.Connection
DatabaseError = sqlcipher3.DatabaseError
OperationalError = sqlcipher3.OperationalError
IntegrityError = sqlcipher3.IntegrityError


def quote_passphrase(passphrase: str) -> str:
    """The passphrase as a SQL string literal (PRAGMA key takes no bound parameters)."""
    if not passphrase:
        raise CaseError("The passphrase is empty; choose one with at least one character.")
    if "\x00" in passphrase:
        raise CaseError("The passphrase contains a NUL character, which cannot be used.")
    return "'" + passphrase.replace("'", "''") + "'"


def _check_existing_file(path: Path) -> None:
    if path.is_dir():
        raise NotACase(f"{path} is a folder, not a case file.")
    if not path.exists():
        raise CaseError(f"There is no case file at {path}.")
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except PermissionError:
        raise CaseError(f"{path} cannot be read: permission denied.") from None
    size = path.stat().st_size
    if size == 0:
        raise NotACase(f"{path} is empty, not a Threadline case.")
    if head == PLAIN_SQLITE_HEADER:
        raise NotACase(f"{path} is an unencrypted SQLite database, not a Threadline case.")
    if size % 512:
        # SQLCipher writes whole pages; anything else was never a case.
        raise NotACase(f"{path} is not a Threadline case file.")


def connect(path: Path, passphrase: str, *, create: bool) -> Connection:
    """Return an unlocked connection, or raise a CaseError that says what is wrong."""
    key = quote_passphrase(passphrase)
    if create:
        if path.exists():
            raise CaseError(f"{path} already exists; choose another name or open it instead.")
        if not path.parent.is_dir():
            raise CaseError(f"The folder {path.parent} does not exist.")
    else:
        _check_existing_file(path)
    try:
        conn: Connection = sqlcipher3.connect(
            str(path), isolation_level=None, check_same_thread=False
        )
    except sqlcipher3.OperationalError:
        if create:
            raise CaseError(f"Cannot create {path}: the folder is not writable.") from None
        raise CaseError(f"{path} cannot be opened: permission denied or not a file.") from None
    try:
        # SQLCipher logs decryption failures to stderr; a wrong passphrase is ours to explain.
        conn.execute("PRAGMA cipher_log_level = NONE").fetchall()
        conn.execute(f"PRAGMA key = {key}")
        _unlock_check(conn, path, create=create)
        for pragma in (
            "temp_store = MEMORY",
            "secure_delete = ON",
            f"cache_size = -{CACHE_KIB}",
            f"busy_timeout = {BUSY_TIMEOUT_MS}",
            "synchronous = NORMAL",
            "recursive_triggers = ON",
        ):
            conn.execute(f"PRAGMA {pragma}")
        if create:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute("PRAGMA journal_mode = WAL").fetchone()
    except CaseError:
        conn.close()
        raise
    except sqlcipher3.OperationalError as exc:
        conn.close()
        raise translate_operational_error(exc, path) from None
    return conn


def _unlock_check(conn: Connection, path: Path, *, create: bool) -> None:
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.DatabaseError as exc:
        if "not a database" in str(exc):
            raise WrongPassphrase(
                f"Could not unlock {path.name}: the passphrase is wrong, "
                "or the file is not a Threadline case."
            ) from None
        raise
    if create:
        return
    (app_id,) = conn.execute("PRAGMA application_id").fetchone()
    if app_id != APPLICATION_ID:
        raise NotACase(f"{path} is an encrypted database but not a Threadline case.")


def translate_operational_error(exc: Exception, path: Path) -> CaseError:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return CaseBusy(f"{path.name} is busy in another Threadline process; try again shortly.")
    if "readonly" in text or "read-only" in text:
        return CaseError(f"{path} is read-only; Threadline needs to write to the case file.")
    if "disk is full" in text or "full" in text:
        return CaseError(f"The disk holding {path.name} is full; nothing was changed.")
    if "unable to open" in text:
        return CaseError(f"{path} cannot be opened: check the folder exists and is writable.")
    return CaseError(f"{path.name} could not be used: {text}.")
