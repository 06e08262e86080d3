"""Start the Qt application: the unlock dialog, or the demo case, then the workbench.

`threadline` asks which case to open (recent cases, new case, demo); `threadline --demo`
builds the demo case on first run (behind a progress dialog, off the GUI thread) and
opens it with its passphrase 'demo'. `--screenshot F.png` renders the window once the
case has loaded and exits, for the docs and the checks.

A case that cannot be opened, or a window or view that cannot be built from it (a
damaged setting), ends the run with one sentence and status 1, never a traceback or a
hang: the window's own failures come as signals, any other error raised in a slot of a
screenshot run reaches `Launcher.excepthook`, and a watchdog ends a run that stalls.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QMessageLogContext, Qt, QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

if TYPE_CHECKING:
    from analyst_app.store import Case

SCREENSHOT_SIZE = (1400, 900)
SCREENSHOT_PATIENCE_S = 300  # from the case open to the chart drawn; the demo takes ~3 s


def not_built(case_name: str, exc: BaseException) -> str:
    """One sentence for a window or view that could not be built."""
    from analyst_app.store.errors import CaseError

    if isinstance(exc, CaseError):
        return str(exc)
    return f"The window for {case_name} could not be built ({type(exc).__name__}: {exc})."


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


def warm_up() -> None:
    """What the window needs first, done while the pool derives the case's key.

    Key derivation is C code that lets this thread run: read the schema and the grading
    schemes (YAML) and import the workbench now, not after the case is open. The chart
    and timeline (graph and plotting libraries) load after the first paint.
    """
    from analyst_app.schema.grading import grading_schemes
    from analyst_app.store.case import shared_schema

    shared_schema()
    grading_schemes()
    import widgets.main_window  # noqa: F401


class Launcher:
    """Keeps the windows of one run alive and decides what opens next."""

    def __init__(self, app: QApplication, screenshot: str | None) -> None:
        self.app = app
        self.screenshot = screenshot
        self.window: object = None
        self.loader: object = None
        self.status = 0
        self.case_name = "the case"
        self.watchdog = QTimer()
        self.watchdog.setSingleShot(True)
        self.watchdog.timeout.connect(self._timed_out)

    def show(self, case: Case, *, demo: bool) -> bool:
        """Open the workbench on `case`; False (and said, status 1) if it cannot be built."""
        from widgets.main_window import MainWindow, close_case_now

        self.case_name = case.path.name
        try:
            window = MainWindow(case, demo=demo)
        except Exception as exc:  # e.g. a damaged setting: say so and stop, never hang
            close_case_now(case)
            self._fail(not_built(case.path.name, exc))
            return False
        self.window = window
        window.viewsFailed.connect(self._view_failed)
        if self.screenshot:
            window.resize(*SCREENSHOT_SIZE)
        window.show()
        if self.screenshot:
            target = Path(self.screenshot)

            def grab_soon(*_: object) -> None:
                # One more turn of the event loop so the chart paints before the grab.
                QTimer.singleShot(0, lambda: self._grab(window, target))

            window.chartLoaded.connect(grab_soon)
            window.chartFailed.connect(
                lambda reason: self._view_failed(
                    f"The link chart could not be drawn: {reason.rstrip('.')}."
                )
            )
            self.watchdog.start(SCREENSHOT_PATIENCE_S * 1000)
        return True

    def _view_failed(self, sentence: str) -> None:
        """A view could not be built: the window says so; a screenshot run stops with 1."""
        if self.screenshot:
            self._fail(sentence)

    def _grab(self, window: object, target: Path) -> None:
        from widgets.main_window import MainWindow

        assert isinstance(window, MainWindow)
        self.watchdog.stop()
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
        warm_up()

    def _fail(self, sentence: str) -> None:
        """Say `sentence` (stderr, and a message box unless screenshotting); exit with 1."""
        if self.status:
            return  # said once: a second failure of the same run adds nothing
        self.status = 1
        self.watchdog.stop()
        print(f"threadline: {sentence}", file=sys.stderr)
        if not self.screenshot:
            QMessageBox.critical(None, "Threadline", sentence)
        window = self.window
        if window is not None and hasattr(window, "close"):
            window.close()  # closes the case too
        self.app.quit()

    def _timed_out(self) -> None:
        self._fail(
            f"The window did not finish loading within {SCREENSHOT_PATIENCE_S} s, "
            "so no screenshot was written."
        )

    def excepthook(
        self, _kind: type[BaseException], exc: BaseException, _tb: TracebackType | None
    ) -> None:
        """With --screenshot, an error raised in any slot ends the run with one sentence
        and status 1; otherwise Qt prints the traceback and the event loop waits forever."""
        self._fail(not_built(self.case_name, exc))

    def ask(self) -> bool:
        """The unlock dialog (and new-case dialog); False when the analyst cancelled."""
        from widgets.new_case import NewCaseDialog
        from widgets.unlock import UnlockDialog

        while True:
            dialog = UnlockDialog()
            if dialog.exec() and dialog.case is not None:
                return self.show(dialog.case, demo=False)
            if dialog.choice == "demo":
                self.open_demo()
                return True
            if dialog.choice != "new":
                return False
            creator = NewCaseDialog()
            if creator.exec() and creator.case is not None:
                return self.show(creator.case, demo=False)


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
    if screenshot:
        sys.excepthook = launcher.excepthook
    if demo:
        launcher.open_demo()
    elif not launcher.ask():
        return launcher.status  # cancelled (0), or the window could not be built (1)
    status = int(app.exec())
    return launcher.status or status
