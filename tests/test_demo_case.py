"""The demo case is built by the real importers from generated raw files, and opens."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from analyst_app.demo.build import DEMO_PASSPHRASE, build_demo_case
from analyst_app.store import Case
from analyst_app.store.queries import stats
from analyst_app.store.sources import verify
from tests.conftest import run_cli


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "lantern.case"
    build_demo_case(path)
    return path


def test_every_raw_file_imports_whole(demo: Path) -> None:
    with Case.open(demo, DEMO_PASSPHRASE) as case:
        counts = stats(case)
        files = [f for (f,) in case.conn.execute("SELECT file_name FROM sources ORDER BY id")]
        report = verify(case)
    assert files == [
        "tips.csv",
        "community_reports.json",
        "worker_messages.csv",
        "report.xml",
        "cdr.csv",
        "bank_transactions.csv",
        "ads.jsonl",
    ]
    assert counts["quarantined"] == 0
    for kind in ("Call", "Message", "Transaction", "AdPost", "Tip"):
        assert counts["events"][kind] > 0
    assert report.ok and all(s.state == "matches" for s in report.sources)


def test_ground_truth_is_in_the_case(demo: Path) -> None:
    truth = json.loads((demo.with_name(demo.name + "-raw") / "ground_truth.json").read_text())
    assert len({p["rule"] for p in truth["planted"]}) >= 8
    with Case.open(demo, DEMO_PASSPHRASE) as case:
        people: dict[str, set[str | None]] = {}
        for label, role in case.conn.execute(
            "SELECT label, role FROM entities WHERE type = 'Person'"
        ):
            people.setdefault(label, set()).add(role)
        labels = {label for (label,) in case.conn.execute("SELECT label FROM entities")}

        def present(name: str) -> bool:
            if name in labels or name.lstrip("@").lower() in labels:
                return True
            hits = case.conn.execute(
                "SELECT count(*) FROM entities WHERE properties LIKE ?", (f"%{name}%",)
            ).fetchone()[0]
            return bool(hits)

        missing = [
            (p["rule"], e) for p in truth["planted"] for e in p["entities"] if not present(e)
        ]
    assert missing == []
    assert all(v["name"] in people for v in truth["victims"])
    assert all("victim" in people[v["name"]] for v in truth["victims"])  # a tip says so
    assert all("suspect" in people[s["name"]] for s in truth["suspects"][:2])


def test_demo_command_line(tmp_path: Path) -> None:
    case = tmp_path / "trainer.case"
    result = run_cli("demo", str(case), "--json", passphrase=None)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["passphrase"] == "demo" and len(report["imports"]) == 7
    again = run_cli("demo", str(case), passphrase=None)
    assert again.returncode == 1 and "already exists" in again.stderr
    assert run_cli("demo", str(case), "--replace", passphrase=None).returncode == 0
    stats_out = run_cli("stats", str(case), "--json", passphrase="demo")
    assert json.loads(stats_out.stdout)["sources"] == 7


def test_app_opens_the_demo_case(tmp_path: Path) -> None:
    shot = tmp_path / "demo.png"
    env = {"QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    result = run_cli("--demo", "--screenshot", str(shot), passphrase=None, env=env)
    assert result.returncode == 0, result.stderr
    assert not QImage(str(shot)).isNull()
    built = Path(os.environ["XDG_DATA_HOME"]) / "threadline" / "demo" / "operation-lantern.case"
    assert built.exists()  # built on first run, in the user's data folder
