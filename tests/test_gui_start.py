"""The app starts offscreen and renders; `--demo --screenshot` writes a real PNG."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from analyst_app.store import Case
from tests.conftest import run_cli
from widgets.main_window import MainWindow


def test_window_renders_the_case(qtbot: QtBot, case: Case) -> None:
    window = MainWindow(case, autolock_minutes=60)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    image = window.grab().toImage()
    assert image.width() >= 700 and image.height() >= 300
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
    }
    assert len(colours) > 2  # text was drawn, not a blank window
    assert "Threadline" in window.windowTitle() and "24-TEST-001" in window.windowTitle()
    window.close()
    assert case.closed  # closing the window closes the case


def test_screenshot_from_the_command_line(tmp_path: Path) -> None:
    shot = tmp_path / "window.png"
    result = run_cli(
        "--demo",
        "--screenshot",
        str(shot),
        env={"QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")},
    )
    assert result.returncode == 0, result.stderr
    image = QImage(str(shot))
    assert not image.isNull() and (image.width(), image.height()) == (1400, 900)
