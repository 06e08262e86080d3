"""Start the Qt application. Until the workbench lands, a plain window that says so."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QMessageLogContext, Qt, QTimer, QtMsgType, qInstallMessageHandler
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


def _quiet_platform_notes(kind: QtMsgType, context: QMessageLogContext, text: str) -> None:
    """Drop the offscreen platform's note about size hints; pass everything else on."""
    if "propagateSizeHints" not in text:
        print(text, file=sys.stderr)


def _no_display() -> bool:
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run(*, demo: bool = False, screenshot: str | None = None) -> int:
    if _no_display():
        if not screenshot:
            print(
                "threadline: no graphical display is available (DISPLAY is not set); "
                "run it on a desktop, or use --demo --screenshot F.png.",
                file=sys.stderr,
            )
            return 1
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # a screenshot needs no screen
    qInstallMessageHandler(_quiet_platform_notes)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = PlaceholderWindow()
    window.show()
    if screenshot:

        def grab() -> None:
            window.grab().save(str(Path(screenshot)))
            window.close()

        QTimer.singleShot(0, grab)
    return int(app.exec())
