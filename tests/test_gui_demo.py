"""The demo case in the window: opened off the GUI thread with passphrase 'demo', said in
the status bar, and rebuilt by "Reset demo case"."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from analyst_app.demo.build import demo_case_path
from analyst_app.model import Entity
from analyst_app.store import Case
from analyst_app.store.editing import add_one
from widgets.demo_loader import DemoLoader, reset_demo
from widgets.main_window import MainWindow


@pytest.fixture
def demo_in_place(demo_case_file: Path) -> Path:
    """The session's demo case copied to where `threadline --demo` keeps it."""
    target = demo_case_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(demo_case_file, target)
    return target


def test_the_demo_opens_and_says_its_passphrase(qtbot: QtBot, demo_in_place: Path) -> None:
    loader = DemoLoader()
    with qtbot.waitSignal(loader.ready, timeout=30_000) as ready:
        loader.start()
    assert loader.dialog is None  # already built: no progress dialog
    window = MainWindow(ready.args[0], demo=True, autolock_minutes=60)
    qtbot.addWidget(window)
    window.show()
    assert "passphrase is 'demo'" in window.statusBar().currentMessage()
    assert "Operation Lantern" in window.windowTitle()
    counts = window.views["sidebar"].counts()
    assert counts["Person"] > 50 and counts["Phone"] > 50
    window.close()


@pytest.mark.slow
def test_reset_demo_rebuilds_it_from_the_raw_files(qtbot: QtBot, demo_in_place: Path) -> None:
    with Case.open(demo_in_place, "demo") as case:
        add_one(case, Entity(type="Person", label="Trainee Scribble"))
    case = Case.open(demo_in_place, "demo")
    window = MainWindow(case, demo=True, autolock_minutes=60)
    qtbot.addWidget(window)
    window.show()
    people_before = window.views["sidebar"].counts()["Person"]
    with qtbot.waitSignal(window.viewsBuilt, timeout=120_000):
        loader = reset_demo(window)
        assert case.closed and loader.dialog is not None  # a progress dialog while it builds
    assert window.case is not case and window.demo
    assert window.views["sidebar"].counts()["Person"] == people_before - 1
    hits = window.case.conn.execute(
        "SELECT count(*) FROM entities WHERE label = 'Trainee Scribble'"
    ).fetchone()[0]
    assert hits == 0
    window.close()
