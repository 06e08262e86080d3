"""Big layouts leave the GUI thread: re-layout, scope changes and expand run on the pool,
with the busy panel and Cancel, and a layout is never applied over a newer chart.

A real demo case and a real widget; `background_from` is lowered so that the demo's
case network (190 entities) takes the pool path that a 10,000-entity case takes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtGui import QUndoCommand, QUndoStack
from pytestqt.qtbot import QtBot

from analyst_app.demo.build import DEMO_PASSPHRASE
from analyst_app.graph import build_graph, layout
from analyst_app.store import Case
from widgets.chart import ChartWidget
from widgets.selection import SelectionModel


@pytest.fixture
def chart(qtbot: QtBot, demo_case_file: Path) -> Iterator[ChartWidget]:
    case = Case.open(demo_case_file, DEMO_PASSPHRASE)
    widget = ChartWidget(case, SelectionModel(), QUndoStack())
    qtbot.addWidget(widget)
    widget.resize(1000, 700)
    widget.show()
    widget.load()
    widget.background_from = 1
    yield widget
    case.close()


def test_relayout_runs_on_the_pool_and_is_one_undo_step(qtbot: QtBot, chart: ChartWidget) -> None:
    before = chart.chart_scene.positions()
    with qtbot.waitSignal(chart.laidOut, timeout=30_000):
        chart.relayout("circular")
        assert chart.layout_running()  # returned at once; the chart is still the old one
        assert chart.chart_scene.positions() == before
    assert chart.chart_scene.positions() == layout(chart.chart, "circular", seed=0)
    assert chart.undo_stack.undoText() == "Lay out: circular"
    chart.undo_stack.undo()
    assert chart.chart_scene.positions() == before


def test_cancel_keeps_the_chart_as_it_was(qtbot: QtBot, chart: ChartWidget) -> None:
    heard: list[str] = []
    chart.problem.connect(heard.append)
    before = (set(chart.chart.nodes), chart.chart_scene.positions())
    chart.show_scope("whole")
    assert chart.layout_running()
    chart.panel.cancel_button.click()
    assert not chart.layout_running() and chart.panel.isHidden()
    qtbot.wait(1500)  # the layout finishes on the pool; its result is dropped
    assert (set(chart.chart.nodes), chart.chart_scene.positions()) == before
    assert heard == ["Layout cancelled; the chart is as it was."]
    assert chart.undo_stack.count() == 0


def test_an_edit_meanwhile_cancels_the_layout(qtbot: QtBot, chart: ChartWidget) -> None:
    node = sorted(chart.chart.nodes)[0]
    chart.show_scope("whole")
    assert chart.layout_running()
    chart.hide_ids([node])  # an undoable edit of the chart being laid out over
    assert not chart.layout_running()
    qtbot.wait(1500)
    assert "network" in chart.chart.query and chart.undo_stack.undoText().startswith("Hide")
    assert not chart.chart_scene.items_by_id[node].isVisible()


def test_an_edit_elsewhere_leaves_the_layout_running(qtbot: QtBot, chart: ChartWidget) -> None:
    with qtbot.waitSignal(chart.laidOut, timeout=30_000):
        chart.show_scope("whole")
        chart.undo_stack.push(QUndoCommand("Note on an entity"))  # the inspector's kind
        assert chart.layout_running()
    assert "network" not in chart.chart.query


def test_a_new_look_during_a_layout_waits_for_it(qtbot: QtBot, chart: ChartWidget) -> None:
    heard: list[str] = []
    chart.problem.connect(heard.append)
    with qtbot.waitSignal(chart.laidOut, timeout=30_000):
        chart.show_scope("whole")
        chart.set_style(replace(chart.chart_scene.chart_style, colour_by="community"))
        assert chart.layout_running()  # not thrown away
    assert heard[0] == "The new look applies when the layout is done."
    assert "network" not in chart.chart.query
    assert chart.chart_scene.chart_style.colour_by == "community"
    assert "groups" in chart.chart.cache  # worked out on the pool with the layout


def test_a_newer_request_replaces_an_older_one(qtbot: QtBot, chart: ChartWidget) -> None:
    with qtbot.waitSignal(chart.laidOut, timeout=30_000):
        chart.show_scope("whole")
        chart.relayout("grid")  # asked before the whole case arrived: only this one lands
    qtbot.wait(300)
    assert "network" in chart.chart.query
    assert chart.undo_stack.count() == 1 and chart.undo_stack.undoText() == "Lay out: grid"


def test_the_busy_panel_shows_for_a_slow_layout(qtbot: QtBot, chart: ChartWidget) -> None:
    whole = len(build_graph(chart.case))
    with qtbot.waitSignal(chart.laidOut, timeout=30_000):
        chart.show_scope("whole")  # 1,283 entities in small pieces: most of a second
        qtbot.waitUntil(chart.panel.isVisible, timeout=5_000)
        assert "Laying out" in chart.panel.label.text()
    assert chart.panel.isHidden() and len(chart.chart) == whole
