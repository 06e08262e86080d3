"""Open the demo case (building it on first run) without blocking the GUI thread.

Building imports seven raw files through the real importers (several seconds), so it
runs on the thread pool behind a progress dialog; opening derives the key there too.
The demo passphrase is 'demo' and the window says so in its status bar.

`analyst_app.demo.build` pulls in the demo generators and every importer (~0.4 s): an
everyday start (the case already built) never imports it, only a build does, on the pool.
The progress dialog then appears only if the task finds it has to build.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from widgets.workers import Job, start

if TYPE_CHECKING:
    from analyst_app.store import Case
    from widgets.main_window import MainWindow


BUILDING = "Building the demo case (first run only)…"
DEMO_PASSPHRASE = "demo"  # analyst_app.demo.build.DEMO_PASSPHRASE (a test keeps them equal)


def demo_case_path() -> Path:
    """`analyst_app.demo.build.demo_case_path()`, without importing the demo builder.

    The same folder and name (a test keeps the two equal); platformdirs is cheap.
    """
    import platformdirs

    return Path(platformdirs.user_data_dir("threadline")) / "demo" / "operation-lantern.case"


class DemoLoader(QObject):
    ready = Signal(object)  # the open Case
    failed = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, replace: bool = False) -> None:
        super().__init__(parent)
        self.replace = replace
        self.dialog: QProgressDialog | None = None
        self.job: Job | None = None
        self.parent_widget = parent

    def start(self) -> Job:
        if self.replace:
            self._show_dialog()
        replace = self.replace

        def task(_progress: Any, _cancelled: Any) -> Case:
            from analyst_app.store import Case

            def tick(name: str, fraction: float) -> None:
                job.signals.message.emit(f"Importing {name} ({fraction:.0%})")

            path = demo_case_path()
            if replace or not path.exists():
                from analyst_app.demo.build import build_demo_case

                if not replace:
                    job.signals.message.emit(BUILDING)
                path.parent.mkdir(parents=True, exist_ok=True)
                build_demo_case(path, replace=replace, progress=tick)
            return Case.open(path, DEMO_PASSPHRASE)

        job = Job(task)
        job.signals.message.connect(self._message)
        job.signals.done.connect(self._done)
        job.signals.failed.connect(self._failed)
        self.job = job
        return start(job)

    def _show_dialog(self) -> None:
        self.dialog = QProgressDialog(BUILDING, "", 0, 1000, self.parent_widget)
        self.dialog.setWindowTitle("Threadline demo")
        self.dialog.setCancelButton(None)
        self.dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.dialog.setMinimumDuration(0)
        self.dialog.setValue(0)
        self.dialog.show()

    def _message(self, text: str) -> None:
        if self.dialog is None and text == BUILDING:
            self._show_dialog()
        elif self.dialog is not None:
            self.dialog.setLabelText(text)
            # Seven files: move along steadily rather than jump back for each one.
            self.dialog.setValue(min(990, self.dialog.value() + 5))

    def _close_dialog(self) -> None:
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None

    def _done(self, case: Case) -> None:
        self._close_dialog()
        self.ready.emit(case)

    def _failed(self, sentence: str) -> None:
        self._close_dialog()
        self.failed.emit(sentence)


def reset_demo(window: MainWindow) -> DemoLoader:
    """Rebuild the demo case from its raw files and show it in `window`."""
    if window.case.path == demo_case_path().absolute():
        window.close_case_views()
    loader = DemoLoader(window, replace=True)
    loader.ready.connect(lambda case: _show(window, case))
    loader.failed.connect(lambda sentence: window.say("Reset demo case", sentence))
    loader.start()
    return loader


def _show(window: MainWindow, case: Case) -> None:
    window.demo = True
    window.switch_case(case)
