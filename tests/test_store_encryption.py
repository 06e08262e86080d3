"""The case file is useless without the passphrase: no plaintext anywhere on disk."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from analyst_app.model import Entity, Event
from analyst_app.store import Case, WrongPassphrase
from analyst_app.store.editing import add_records
from analyst_app.store.queries import search, stats
from tests.conftest import PASSPHRASE

MARKERS = [
    "Zorblatt Quintavalle",
    "ZQX-MARKER-7731",
    "marker.zqx@example.org",
    "Qwyzzle nail salon after hours",
]


def _write_markers(case: Case) -> None:
    add_records(
        case,
        [
            Entity(
                type="Person",
                label=MARKERS[0],
                role="victim",
                properties={"alias": MARKERS[1], "notes": MARKERS[3]},
            ),
            Entity(type="Email", properties={"address": MARKERS[2]}),
            Event(
                type="Tip",
                label="tip",
                start="2024-01-01T00:00:00Z",
                properties={"narrative": MARKERS[3] + " " + MARKERS[1]},
            ),
        ],
    )


def _scan(folder: Path) -> list[str]:
    found = []
    for file in folder.iterdir():
        data = file.read_bytes()
        for marker in MARKERS:
            for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
                if marker.encode(encoding) in data:
                    found.append(f"{file.name}: {marker!r} ({encoding})")
    return found


def test_no_marker_in_case_file_or_beside_it(case: Case, case_path: Path) -> None:
    _write_markers(case)
    assert search(case, "Zorblatt")  # the data is really there
    assert _scan(case_path.parent) == []  # nor while open (WAL and shm beside it)
    case.close()
    assert [p.name for p in case_path.parent.iterdir()] == [case_path.name]
    assert _scan(case_path.parent) == []
    with Case.open(case_path, PASSPHRASE) as reopened:
        assert stats(reopened)["entities"] == {"Email": 1, "Person": 1}


def test_plain_sqlite_cannot_read_the_case(case: Case, case_path: Path) -> None:
    _write_markers(case)
    case.close()
    plain = sqlite3.connect(case_path)
    with pytest.raises(sqlite3.DatabaseError):
        plain.execute("SELECT count(*) FROM sqlite_master").fetchone()
    plain.close()


def test_rekey_then_only_the_new_passphrase_opens(case: Case, case_path: Path) -> None:
    _write_markers(case)
    case.rekey("a brand new passphrase")
    case.close()
    with pytest.raises(WrongPassphrase):
        Case.open(case_path, PASSPHRASE)
    with Case.open(case_path, "a brand new passphrase") as reopened:
        assert search(reopened, "Zorblatt")[0].label == MARKERS[0]
        assert reopened.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert _scan(case_path.parent) == []


def test_passphrase_with_quotes_and_unicode(case_path: Path) -> None:
    tricky = 'it\'s "quoted"; DROP TABLE x; -- ñandú 🔑'
    Case.create(case_path, tricky).close()
    with Case.open(case_path, tricky) as reopened:
        assert reopened.case_id
    with pytest.raises(WrongPassphrase):
        Case.open(case_path, "it's")
