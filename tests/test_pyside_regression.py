"""PySide6 6.12.0 aborted Python 3.11 after ~5,000 void calls on graphics items (DESIGN.md).

The loop runs in a child process: an interpreter abort would otherwise take pytest down
with it instead of failing this one test.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

LOOP = textwrap.dedent(
    """
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QBrush, QColor, QPen
    from PySide6.QtWidgets import QApplication, QGraphicsEllipseItem, QGraphicsScene
    app = QApplication([])
    scene = QGraphicsScene()
    pen, brush = QPen(QColor("#1e88e5")), QBrush(QColor("#43a047"))
    calls = 0
    for i in range(40_000):
        item = QGraphicsEllipseItem(0, 0, 10, 10)
        item.setPen(pen)
        item.setBrush(brush)
        item.setPos(i % 200, i // 200)
        item.setZValue(i)
        point = QPointF()
        point.setX(i)
        scene.addItem(item)
        calls += 5
    print(calls, len(scene.items()))
    """
)


def test_styled_items_in_a_loop_do_not_abort_the_interpreter() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", LOOP], capture_output=True, text=True, env=env, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["200000", "40000"]


def test_pinned_pyside_version() -> None:
    import PySide6

    major, minor = (int(x) for x in PySide6.__version__.split(".")[:2])
    assert (major, minor) == (6, 11), "6.12.0 aborts Python 3.11; see DESIGN.md"
