"""Start the Qt application. Until the workbench lands, a plain window that says so."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from analyst_app import __version__

PLACEHOLDER = (
    "<h2>Threadline {version}</h2>"
    "<p>The encrypted case store and the command line are ready "
    "(<code>threadline --help</code>).</p>"
    "<p>The demo case and the analyst's main window arrive with the import and "
    "workbench issues; this window stands in for them until then.</p>"
)


class PlaceholderWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("Threadline")
        label = QLabel(PLACEHOLDER.format(version=__version__))
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(True)
        label.setMargin(32)
        self.setCentralWidget(label)
        self.resize(720, 360)


def run(*, demo: bool = False, screenshot: str | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = PlaceholderWindow()
    window.show()
    if screenshot:

        def grab() -> None:
            window.grab().save(str(Path(screenshot)))
            window.close()

        QTimer.singleShot(0, grab)
    return int(app.exec())
