"""Panning paints only what scrolled into view (a diagonal step as two strips), and what
the analyst then sees is what a full repaint of the same view shows."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QImage, QUndoStack
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from analyst_app.graph import build_graph
from analyst_app.store import Case
from widgets.chart import ChartWidget
from widgets.selection import SelectionModel


def on_screen(widget: ChartWidget) -> QImage:
    """The pixels the window holds now (the offscreen backing store), not a fresh paint."""
    screen = QApplication.primaryScreen()
    port = widget.viewport()
    top_left = port.mapTo(widget.window(), port.rect().topLeft())
    shot = screen.grabWindow(widget.window().winId(), top_left.x(), top_left.y(),
                             port.width(), port.height())  # fmt: skip
    return shot.toImage().convertToFormat(QImage.Format.Format_RGB32)


def differing(a: QImage, b: QImage) -> int:
    assert a.size() == b.size()
    return sum(
        1
        for y in range(0, a.height(), 2)
        for x in range(0, a.width(), 2)
        if a.pixel(x, y) != b.pixel(x, y)
    )


@pytest.mark.parametrize("zoom", [5.0, 10.0])
def test_diagonal_pans_show_what_a_full_repaint_shows(
    qtbot: QtBot, demo: Case, zoom: float
) -> None:
    widget = ChartWidget(demo, SelectionModel(), QUndoStack())
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    qtbot.waitExposed(widget)
    widget.load(build_graph(demo))
    widget.fit()
    widget.zoom(zoom)
    QApplication.processEvents()
    start = (widget.horizontalScrollBar().value(), widget.verticalScrollBar().value())
    for dx, dy in [(24, 12), (24, 12), (-30, 18), (16, -40), (-8, -8)]:
        widget.pan(dx, dy)
        QApplication.processEvents()
    # Both ways, so every step was two strips (the view is wider than the chart's end).
    assert (widget.horizontalScrollBar().value(), widget.verticalScrollBar().value()) == (
        start[0] + 26,
        start[1] - 6,
    )
    panned = on_screen(widget)
    widget.viewport().repaint()
    fresh = on_screen(widget)
    assert differing(fresh, QImage(fresh.size(), fresh.format())) > 100  # not blank
    assert differing(panned, fresh) < 0.002 * panned.width() * panned.height() / 4
