"""A file that can't be read, a cancel, a full disk: one sentence, and the case as it was."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from analyst_app.ingest import ImportCancelled, import_file
from analyst_app.store import Case, CaseError
from analyst_app.store.queries import stats
from analyst_app.store.sources import verify
from tests.conftest import PASSPHRASE, run_cli

HEADER = "record_id,call_type,a_party,b_party,start_utc,duration_s,imei,imsi,cell_id\n"


def _calls(path: Path, count: int) -> Path:
    with path.open("w") as out:
        out.write(HEADER)
        for i in range(count):
            out.write(
                f"r{i},MO,+1555010{i % 10000:04d},+15550109999,"
                f"2024-03-01T02:{i % 60:02d}:00Z,{i % 300},,,\n"
            )
    return path


def _snapshot(case: Case) -> tuple[object, ...]:
    audit = case.conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    return (stats(case), audit)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (os.urandom(4096), "does not recognise the format"),
        (b"\x00\x01\x02binary" * 200, "does not recognise the format"),
    ],
    ids=["empty", "random-bytes", "binary-junk"],
)
def test_unreadable_file_changes_nothing(
    case: Case, tmp_path: Path, content: bytes, message: str
) -> None:
    junk = tmp_path / "statement.csv"
    junk.write_bytes(content)
    before = _snapshot(case)
    with pytest.raises(CaseError, match=message):
        import_file(case, junk)
    assert _snapshot(case) == before


def test_binary_junk_forced_as_cdr_changes_nothing(case: Case, tmp_path: Path) -> None:
    junk = tmp_path / "calls.csv"
    junk.write_bytes(b"\x00\xff" * 5000)
    before = _snapshot(case)
    with pytest.raises(CaseError, match="could not be imported"):
        import_file(case, junk, format_name="cdr")
    assert _snapshot(case) == before


def test_cancel_leaves_the_case_exactly_as_before(case: Case, tmp_path: Path) -> None:
    import_file(case, _calls(tmp_path / "first.csv", 50))
    before = _snapshot(case)
    ticks: list[float] = []
    with pytest.raises(ImportCancelled, match="the case is as it was"):
        import_file(
            case,
            _calls(tmp_path / "big.csv", 12_000),
            progress=ticks.append,
            cancelled=lambda: len(ticks) > 0,
        )
    assert ticks and _snapshot(case) == before
    assert case.conn.execute("SELECT count(*) FROM sources").fetchone()[0] == 1


def test_full_disk_mid_import_rolls_back(case: Case, tmp_path: Path) -> None:
    big = _calls(tmp_path / "big.csv", 20_000)
    before = _snapshot(case)
    pages = case.conn.execute("PRAGMA page_count").fetchone()[0]
    case.conn.execute(f"PRAGMA max_page_count = {pages + 20}")  # the disk "fills" mid-import
    with pytest.raises(CaseError, match="full"):
        import_file(case, big)
    case.conn.execute("PRAGMA max_page_count = 1073741823")
    assert _snapshot(case) == before
    import_file(case, big)  # with room again, the same file imports whole
    assert stats(case)["events"] == {"Call": 20_000}


def test_interrupted_cli_import_keeps_the_case_consistent(
    case: Case, case_path: Path, tmp_path: Path
) -> None:
    import signal
    import subprocess
    import sys
    import time

    case.close()
    big = _calls(tmp_path / "big.csv", 200_000)
    env = dict(os.environ, THREADLINE_PASSPHRASE=PASSPHRASE)
    child = subprocess.Popen(
        [sys.executable, "-m", "analyst_app.cli.main", "import", str(case_path), str(big)],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(3)
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=60)
    with Case.open(case_path, PASSPHRASE) as reopened:
        counts = stats(reopened)
        assert counts["events"] in ({}, {"Call": 200_000})  # all or nothing
        assert verify(reopened).chain.intact
    if child.returncode:
        assert "Traceback" not in err and err.count("\n") == 1


def test_source_hash_is_rechecked_by_verify(case: Case, case_path: Path, tmp_path: Path) -> None:
    file = _calls(tmp_path / "calls.csv", 5)
    summary = import_file(case, file)
    digest = case.conn.execute(
        "SELECT sha256 FROM sources WHERE id = ?", (summary.source_id,)
    ).fetchone()[0]
    assert digest == hashlib.sha256(file.read_bytes()).hexdigest()
    assert [c.state for c in verify(case).sources] == ["matches"]
    case.close()
    file.write_text(file.read_text().replace("r1,", "r1x,"))
    result = run_cli("verify", str(case_path))
    assert result.returncode == 1 and "calls.csv: changed" in result.stdout
    file.unlink()
    assert "not at hand" in run_cli("verify", str(case_path)).stdout
