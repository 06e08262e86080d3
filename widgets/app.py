"""Start the Qt application: the unlock dialog, or the demo case, then the workbench.

`threadline` asks which case to open (recent cases, new case, demo); `threadline --demo`
builds the demo case on first run (behind a progress dialog, off the GUI thread) and
opens it with its passphrase 'demo'. `--screenshot F.png` renders the window once the
case has loaded and exits, for the docs and the checks.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMessageLogContext, Qt, QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

if TYPE_CHECKING:
    from analyst_app.store import Case

SCREENSHOT_SIZE = (1400, 900)


def _quiet_platform_notes(kind: QtMsgType, context: QMessageLogContext, text: str) -> None:
    """Drop the offscreen platform's note about size hints; pass everything else on."""
    if "propagateSizeHints" not in text:
        print(text, file=sys.stderr)


def _no_display() -> bool:
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def application() -> QApplication:
    """The one QApplication, made high-DPI aware and following the system palette."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication(sys.argv[:1])
    app.setApplicationName("Threadline")
    app.setOrganizationName("Threadline")
    # Fusion draws the same on every desktop and takes the system's light or dark palette.
    app.setStyle("Fusion")
    return app


class Launcher:
    """Keeps the windows of one run alive and decides what opens next."""

    def __init__(self, app: QApplication, screenshot: str | None) -> None:
        self.app = app
        self.screenshot = screenshot
        self.window: object = None
        self.loader: object = None
        self.status = 0

    def show(self, case: Case, *, demo: bool) -> None:
        from widgets.main_window import MainWindow

        window = MainWindow(case, demo=demo)
        self.window = window
        if self.screenshot:
            window.resize(*SCREENSHOT_SIZE)
        window.show()
        if self.screenshot:
            target = Path(self.screenshot)

            def grab_soon(*_: object) -> None:
                # One more turn of the event loop so the chart paints before the grab.
                QTimer.singleShot(0, lambda: self._grab(window, target))

            window.chartLoaded.connect(grab_soon)
            window.chartFailed.connect(grab_soon)

    def _grab(self, window: object, target: Path) -> None:
        from widgets.main_window import MainWindow

        assert isinstance(window, MainWindow)
        if not window.grab().save(str(target)):
            print(f"threadline: could not write the screenshot {target}.", file=sys.stderr)
            self.status = 1
        window.close()
        self.app.quit()

    def open_demo(self) -> None:
        from widgets.demo_loader import DemoLoader

        loader = DemoLoader()
        self.loader = loader
        loader.ready.connect(lambda case: self.show(case, demo=True))
        loader.failed.connect(self._fail)
        loader.start()
        # The workbench's imports (chart, timeline, graph libraries) take longer than
        # unlocking; do them now, while the pool derives the key, not after it.
        import widgets.main_window  # noqa: F401

    def _fail(self, sentence: str) -> None:
        print(f"threadline: {sentence}", file=sys.stderr)
        if not self.screenshot:
            QMessageBox.critical(None, "Threadline", sentence)
        self.status = 1
        self.app.quit()

    def ask(self) -> bool:
        """The unlock dialog (and new-case dialog); False when the analyst cancelled."""
        from widgets.new_case import NewCaseDialog
        from widgets.unlock import UnlockDialog

        while True:
            dialog = UnlockDialog()
            if dialog.exec() and dialog.case is not None:
                self.show(dialog.case, demo=False)
                return True
            if dialog.choice == "demo":
                self.open_demo()
                return True
            if dialog.choice != "new":
                return False
            creator = NewCaseDialog()
            if creator.exec() and creator.case is not None:
                self.show(creator.case, demo=False)
                return True


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
    app = application()
    launcher = Launcher(app, screenshot)
    if demo:
        launcher.open_demo()
    elif not launcher.ask():
        return 0
    status = int(app.exec())
    return launcher.status or status
