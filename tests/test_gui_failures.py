"""`threadline --demo --screenshot F.png` never hangs: when the case cannot be opened, or a
view cannot be built from it, the run ends with status 1 and one sentence on stderr (no
traceback, no screenshot), and the case file is left as it was."""

from __future__ import annotations

import os
from pathlib import Path

from pytestqt.qtbot import QtBot

from analyst_app.store import Case
from tests.conftest import run_cli
from widgets.demo_loader import DEMO_PASSPHRASE, demo_case_path
from widgets.main_window import MainWindow

OFFSCREEN = {"QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}


def _screenshot(shot: Path) -> tuple[int, list[str]]:
    result = run_cli("--demo", "--screenshot", str(shot), passphrase=None, env=OFFSCREEN)
    lines = [line for line in result.stderr.splitlines() if "propagateSizeHints" not in line]
    return result.returncode, lines


def _demo_case_with(settings: dict[str, str]) -> Path:
    """A real encrypted case where `threadline --demo` looks for it, with these settings."""
    path = demo_case_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    Case.create(path, DEMO_PASSPHRASE, {"case_number": "24-BAD-001", **settings}).close()
    return path


def test_the_demo_path_is_the_builders(tmp_path: Path) -> None:
    """The loader finds the demo case without importing the builder: same place, same key."""
    from analyst_app.demo import build

    assert demo_case_path() == build.demo_case_path()
    assert DEMO_PASSPHRASE == build.DEMO_PASSPHRASE


def test_a_file_that_is_not_a_case(tmp_path: Path) -> None:
    path = demo_case_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not a case, just notes\n" * 100)
    shot = tmp_path / "shot.png"
    status, lines = _screenshot(shot)
    assert status == 1
    assert len(lines) == 1 and lines[0].startswith("threadline: ")
    assert "not a Threadline case" in lines[0]
    assert not shot.exists()
    assert path.read_bytes() == b"not a case, just notes\n" * 100  # untouched


def test_a_window_that_cannot_be_built(tmp_path: Path) -> None:
    """The inspector needs the case's grading scheme; an unknown one stops the window."""
    path = _demo_case_with({"grading_scheme": "no-such-scheme"})
    shot = tmp_path / "shot.png"
    status, lines = _screenshot(shot)
    assert status == 1
    assert lines == [
        "threadline: The window for operation-lantern.case could not be built "
        "(KeyError: 'no-such-scheme')."
    ]
    assert not shot.exists()
    # Closed cleanly (one file, no write-ahead log left) and still opens.
    assert not path.with_name(path.name + "-wal").exists()
    with Case.open(path, DEMO_PASSPHRASE) as case:
        assert case.settings["case_number"] == "24-BAD-001"


def test_a_chart_that_cannot_be_drawn(tmp_path: Path) -> None:
    """The window paints, then reading the chart needs the case's time zone."""
    path = _demo_case_with({"time_zone": "Mars/Olympus_Mons"})
    shot = tmp_path / "shot.png"
    status, lines = _screenshot(shot)
    assert status == 1
    assert len(lines) == 1 and "Traceback" not in lines[0]
    # Whichever view meets the time zone first says so (today: reading the chart).
    assert lines[0].startswith(
        ("threadline: The link chart could not be drawn: ", "threadline: The chart and timeline")
    )
    assert "Mars/Olympus_Mons" in lines[0]
    assert not shot.exists()
    assert not path.with_name(path.name + "-wal").exists()


def test_the_window_says_when_its_chart_cannot_be_drawn(qtbot: QtBot, case_path: Path) -> None:
    """In the app itself the window stays up and says why in the status bar."""
    case = Case.create(case_path, "pass", {"time_zone": "Mars/Olympus_Mons"})
    window = MainWindow(case, autolock_minutes=60)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.chartFailed, timeout=30_000) as failed:
        window.show()
    assert "Mars/Olympus_Mons" in failed.args[0]
    assert "could not be laid out" in window.statusBar().currentMessage()
    assert window.isVisible() and "sidebar" in window.views
    window.close()
    assert case.closed


def test_the_dialogs_say_a_problem_the_same_way(qtbot: QtBot, tmp_path: Path) -> None:
    """One shared error line: hidden until there is a problem, gone once it is fixed."""
    from widgets.error_label import ErrorLabel
    from widgets.new_case import NewCaseDialog
    from widgets.unlock import UnlockDialog

    creator, unlock = NewCaseDialog(), UnlockDialog()
    for dialog in (creator, unlock):
        qtbot.addWidget(dialog)
        dialog.show()
        assert isinstance(dialog.error, ErrorLabel) and not dialog.error.isVisible()
    creator.path.setText(str(tmp_path / "new.case"))
    creator.passphrase.setText("one passphrase")
    creator.repeat.setText("another")
    with qtbot.waitSignal(creator.failed) as failed:
        creator.try_create()
    assert failed.args[0] == "The two passphrases differ." == creator.error.text()
    assert creator.error.isVisible() and creator.isVisible()
    creator.repeat.setText("one passphrase")
    creator.time_zone.setCurrentText("Mars/Olympus_Mons")
    creator.try_create()
    assert "not a time zone name" in creator.error.text()
    unlock.try_open()
    assert unlock.error.isVisible() and unlock.error.text() == "Choose a case file first."
    unlock.error.say("")
    assert not unlock.error.isVisible()
    assert not (tmp_path / "new.case").exists()  # nothing was created
