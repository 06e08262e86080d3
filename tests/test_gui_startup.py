"""The window paints before the heavy libraries load (bench/startup.py has the timings).

The first paint of the demo window needs Qt, the store and the schema; the graph, plotting,
PDF, array and fuzzy-matching libraries (and the demo builder with every importer) load
after it, for the chart, timeline and duplicates docks. A module imported too early is
a regression the benchmark would only show as a slower number; this names it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from widgets.demo_loader import demo_case_path

LATE = (
    "networkx",
    "igraph",
    "pyqtgraph",
    "reportlab",
    "numpy",
    "rapidfuzz",
    "jellyfish",
    "sqlite_utils",
    "keyring",
    "importers",
    "analyst_app.demo",
    "analyst_app.findings",
    "analyst_app.ingest",
)
FIRST_PAINT = """
import json, os, sys
from PySide6.QtCore import QObject
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QWidget
import widgets.app as gui
app = gui.application()
launcher = gui.Launcher(app, None)
class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if (isinstance(event, QPaintEvent) and isinstance(obj, QWidget)
                and launcher.window is not None and obj.window() is launcher.window):
            loaded = sorted(m for m in LATE if m in sys.modules)
            print(json.dumps({"loaded": loaded, "views": sorted(launcher.window.views)}))
            sys.stdout.flush()
            os._exit(0)
        return False
watch = FirstPaint()
app.installEventFilter(watch)
launcher.open_demo()
app.exec()
"""


def test_the_first_paint_needs_no_heavy_library(demo_case_file: Path) -> None:
    target = demo_case_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(demo_case_file, target)
    script = f"LATE = {LATE!r}\n{FIRST_PAINT}"
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen")),
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["loaded"] == []
    # The light views are there at the first paint; chart and timeline come right after.
    assert {"search", "sidebar", "inspector", "findings", "audit"} <= set(seen["views"])
