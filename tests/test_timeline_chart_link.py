"""Timeline and chart tied together on the real demo case: brushing a time range in the
timeline filters the chart's links, clearing restores them, and entities selected in the
chart get timeline lanes."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QUndoStack
from pytestqt.qtbot import QtBot

from analyst_app.store import Case
from widgets.chart import ChartWidget
from widgets.selection import SelectionModel
from widgets.timeline import TimelineWidget


@pytest.fixture
def linked(qtbot: QtBot, demo: Case) -> tuple[TimelineWidget, ChartWidget, SelectionModel]:
    selection = SelectionModel()
    chart = ChartWidget(demo, selection, QUndoStack())
    qtbot.addWidget(chart)
    chart.resize(900, 600)
    chart.load()
    timeline = TimelineWidget(demo, selection)
    qtbot.addWidget(timeline)
    timeline.resize(1200, 500)
    qtbot.waitUntil(lambda: not timeline.loading(), timeout=20_000)  # lanes are read on the pool
    timeline.rangeBrushed.connect(chart.set_time_window)
    return timeline, chart, selection


def test_brushing_a_range_filters_the_chart_and_clearing_restores_it(
    qtbot: QtBot, linked: tuple[TimelineWidget, ChartWidget, SelectionModel]
) -> None:
    timeline, chart, _selection = linked
    everything = chart.visible_link_count()
    assert everything > 50

    with qtbot.waitSignal(timeline.rangeBrushed, timeout=5000) as week:
        timeline.set_brush("2024-03-04T06:00:00Z", "2024-03-11T05:00:00Z")
    assert week.args == ["2024-03-04T06:00:00Z", "2024-03-11T05:00:00Z"]
    in_week = chart.visible_link_count()
    assert 0 < in_week < everything

    with qtbot.waitSignal(timeline.rangeBrushed, timeout=5000):
        timeline.set_brush("2024-03-04T06:00:00Z", "2024-03-05T06:00:00Z")
    in_day = chart.visible_link_count()
    assert in_day < in_week  # a narrower window leaves fewer links

    with qtbot.waitSignal(timeline.rangeBrushed, timeout=5000) as cleared:
        timeline.clear_brush()
    assert cleared.args == [None, None]
    assert chart.visible_link_count() == everything


def test_entities_selected_in_the_chart_get_lanes(
    qtbot: QtBot, linked: tuple[TimelineWidget, ChartWidget, SelectionModel]
) -> None:
    timeline, chart, _selection = linked
    picked = sorted(i for i, node in chart.chart.nodes.items() if node.type == "Phone")[:3]
    with qtbot.waitSignal(timeline.loaded, timeout=20_000):
        chart._select(picked)  # what a click and shift-clicks in the chart do
    assert set(timeline.lanes()) == set(picked)
    assert "3 selected entities" in timeline.header.text()
