"""The chart's look, the "most connected" list and saved views, reached from the window:
the Chart menu's Colour by / Size by / Save view…, and the Most connected dock. A real
demo case with its findings stored, a real window offscreen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QInputDialog
from pytestqt.qtbot import QtBot

from analyst_app.findings import run_rules, store_findings
from analyst_app.graph import ranked
from analyst_app.store import Case
from widgets.chart.style import COMMUNITY, scores
from widgets.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, demo_case_copy: Path) -> Iterator[MainWindow]:
    case = Case.open(demo_case_copy, "demo")
    store_findings(case, run_rules(case))
    shown = MainWindow(case, demo=True, autolock_minutes=60)
    qtbot.addWidget(shown)
    with qtbot.waitSignal(shown.chartLoaded, timeout=60_000):
        shown.show()
    yield shown
    shown.close()


def top(window: MainWindow, measure: str, n: int = 15) -> list[str]:
    assert window.chart is not None
    return [i for i, _ in ranked(scores(window.chart.chart, measure), n)]


def test_the_most_connected_dock_ranks_what_the_chart_shows(
    qtbot: QtBot, window: MainWindow
) -> None:
    panel = window.views["connected"]
    assert window.docks["connected"].widget() is panel
    assert panel.rows() == top(window, "degree") and len(panel.rows()) == 15
    panel.measure.setCurrentText("betweenness")  # 190 entities: at once
    assert panel.rows() == top(window, "betweenness")
    panel.list.itemClicked.emit(panel.list.item(0))
    assert window.selection.ids() == {panel.rows()[0]}


def test_size_and_colour_by_from_the_chart_menu(qtbot: QtBot, window: MainWindow) -> None:
    chart, actions = window.chart, window.actions_.style_actions
    assert chart is not None
    assert actions["size:degree"].isChecked() and actions["colour:type"].isChecked()
    actions["size:betweenness"].trigger()
    assert chart.chart_scene.chart_style.size_by == "betweenness"
    items = chart.chart_scene.items_by_id
    broker = top(window, "betweenness", 1)[0]
    assert items[broker].radius == max(item.radius for item in items.values())
    actions["colour:community"].trigger()
    colours = {item.colour for item in chart.chart_scene.items_by_id.values()}
    assert colours <= {*COMMUNITY, "#d0d0d0"} and len(colours) > 3
    actions["legend"].trigger()  # off
    assert not chart.chart_scene.chart_style.legend
    assert chart.undo_stack.count() == 0  # a view setting, not an edit


def test_big_charts_are_measured_on_the_pool(qtbot: QtBot, window: MainWindow) -> None:
    chart, panel = window.chart, window.views["connected"]
    assert chart is not None
    chart.background_from = 1  # the path a 10,000-entity chart takes
    with qtbot.waitSignal(panel.loader.done, timeout=30_000):
        panel.measure.setCurrentText("closeness")
        assert panel.busy() and panel.rows() == []  # asked, not blocked on
    assert panel.rows() == top(window, "closeness")
    with qtbot.waitSignal(chart.laidOut, timeout=30_000):
        window.actions_.style_actions["size:eigenvector"].trigger()
        assert chart.layout_running() and chart.chart_scene.chart_style.size_by == "degree"
    assert chart.chart_scene.chart_style.size_by == "eigenvector"


def test_save_view_from_the_menu_and_open_it_from_the_sidebar(
    qtbot: QtBot, window: MainWindow
) -> None:
    def answer(text: str) -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QInputDialog)
        dialog.setTextValue(text)
        dialog.accept()

    QTimer.singleShot(0, lambda: answer("The ring"))
    window.actions_.style_actions["save_view"].trigger()
    sidebar = window.views["sidebar"]
    views = next(t for t in sidebar.tops() if t.text(0) == "Saved views")
    assert [c.text(0) for c in sidebar.items_under(views)] == ["The ring"]
    assert "Saved the view 'The ring'" in window.statusBar().currentMessage()
    QTimer.singleShot(0, lambda: answer("   "))  # no name: one sentence, nothing saved
    window.actions_.style_actions["save_view"].trigger()
    assert window.statusBar().currentMessage().startswith("A view name must be")
    views = next(t for t in sidebar.tops() if t.text(0) == "Saved views")
    assert len(sidebar.items_under(views)) == 1


def test_the_chart_menu_works_after_lock_and_unlock(qtbot: QtBot, window: MainWindow) -> None:
    old_chart = window.chart
    window.lock()
    with qtbot.waitSignal(window.chartLoaded, timeout=60_000):
        window.unlock("demo")
    assert window.chart is not None and window.chart is not old_chart
    actions = window.actions_.style_actions
    menus = [a.menu() for a in window.actions_.chart_menu.actions() if a.menu() is not None]
    assert [m.title() for m in menus] == ["Colour by", "Size by", "Show"]
    for menu in menus:
        menu.aboutToShow.emit()  # ticks read from the new chart: no deleted object
    assert actions["size:degree"].isChecked()
    actions["size:closeness"].trigger()
    assert window.chart.chart_scene.chart_style.size_by == "closeness"
