"""Start the Qt application. Until the workbench lands, a plain window that says so."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMessageLogContext, Qt, QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from analyst_app import __version__

PLACEHOLDER = (
    "<h2>Threadline {version}</h2>"
    "<p>The encrypted case store, the importers and the command line are ready "
    "(<code>threadline --help</code>).</p>"
    "{case}"
    "<p>The analyst's main window (chart, timeline, inspector) arrives with the workbench "
    "issue; this window stands in for it until then.</p>"
)


def describe_case(name: str, counts: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><td>{kind.capitalize()}</td><td align=right>{sum(by_type.values()):,}</td>"
        f"<td>{', '.join(f'{t} {n:,}' for t, n in by_type.items())}</td></tr>"
        for kind, by_type in ((k, counts[k]) for k in ("entities", "links", "events"))
    )
    return (
        f"<p><b>{name}</b> is open (demo passphrase: <code>demo</code>).</p>"
        f"<table cellspacing=6>{rows}<tr><td>Sources</td><td align=right>"
        f"{counts['sources']}</td><td></td></tr><tr><td>Quarantined rows</td>"
        f"<td align=right>{counts['quarantined']}</td><td></td></tr></table>"
    )


class PlaceholderWindow(QMainWindow):
    def __init__(self, case_html: str = "") -> None:
        super().__init__()
        self.setWindowTitle("Threadline")
        label = QLabel(PLACEHOLDER.format(version=__version__, case=case_html))
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


def _open_demo() -> str:
    """Build the demo case on first run (progress on the terminal), then read its counts."""
    from analyst_app.cli.import_command import ProgressBar
    from analyst_app.demo.build import DEMO_PASSPHRASE, ensure_demo_case
    from analyst_app.store import Case
    from analyst_app.store.queries import stats

    bars: dict[str, ProgressBar] = {}

    def progress(name: str, fraction: float) -> None:
        if not bars:
            print("Building the demo case (first run only) ...", file=sys.stderr)
        bars.setdefault(name, ProgressBar(name))(fraction)

    path = ensure_demo_case(progress)
    for bar in bars.values():
        bar.done()
    with Case.open(path, DEMO_PASSPHRASE) as case:
        counts = stats(case)
        title = case.settings.get("title") or path.name
    return describe_case(title, counts)


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
    case_html = _open_demo() if demo else ""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = PlaceholderWindow(case_html)
    window.show()
    if screenshot:

        def grab() -> None:
            window.grab().save(str(Path(screenshot)))
            window.close()

        QTimer.singleShot(0, grab)
    return int(app.exec())
