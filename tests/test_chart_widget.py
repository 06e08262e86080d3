"""The Qt link chart over the real demo case: mouse and keyboard edits through the undo
stack, the shared selection both ways, paths, time windows, expanding, ranking."""

from __future__ import annotations

from itertools import pairwise

import networkx as nx
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QUndoStack, QWheelEvent
from pytestqt.qtbot import QtBot

from analyst_app.graph import EVENT, LINK, build_graph, communities, degree, edge_events, ranked
from analyst_app.store import Case
from widgets.chart import ChartWidget
from widgets.chart.panels import MostConnected
from widgets.chart.style import COMMUNITY, UNGRADED, ChartStyle
from widgets.selection import SelectionModel

RECRUITER_PHONE = "phone:+13125550123"


@pytest.fixture
def selection() -> SelectionModel:
    return SelectionModel()


def make_chart(qtbot: QtBot, case: Case, selection: SelectionModel, **focus: object) -> ChartWidget:
    widget = ChartWidget(case, selection, QUndoStack())
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    qtbot.waitExposed(widget)
    chart = build_graph(case, **focus) if focus else None  # type: ignore[arg-type]
    widget.load(chart)
    return widget


def at(widget: ChartWidget, node_id: str) -> QPoint:
    return widget.mapFromScene(widget.chart_scene.items_by_id[node_id].pos())


def drag(qtbot: QtBot, widget: ChartWidget, start: QPoint, end: QPoint, **kw: object) -> None:
    port = widget.viewport()
    qtbot.mousePress(port, Qt.MouseButton.LeftButton, pos=start, **kw)  # type: ignore[arg-type]
    for step in range(1, 6):
        qtbot.mouseMove(port, start + (end - start) * step / 5)
    qtbot.mouseRelease(port, Qt.MouseButton.LeftButton, pos=end, **kw)  # type: ignore[arg-type]


@pytest.fixture
def focused(qtbot: QtBot, demo: Case, selection: SelectionModel) -> ChartWidget:
    return make_chart(qtbot, demo, selection, focus=RECRUITER_PHONE, depth=1)


def test_whole_case_has_one_item_per_entity(qtbot: QtBot, demo: Case) -> None:
    widget = make_chart(qtbot, demo, SelectionModel())
    assert "network" in widget.chart.query  # it opens on the case network
    with qtbot.waitSignal(widget.laidOut, timeout=30_000):  # 1,283 entities: on the pool
        widget.show_scope("whole")
    chart = build_graph(demo)
    assert set(widget.chart_scene.items_by_id) == set(chart.nodes)
    assert widget.visible_entity_count() == len(chart.nodes)
    assert widget.visible_link_count() == len(chart.edges)


def test_drag_is_one_undo_step(qtbot: QtBot, focused: ChartWidget) -> None:
    scene, stack = focused.chart_scene, focused.undo_stack
    node = RECRUITER_PHONE
    before = scene.positions()
    start = at(focused, node)
    drag(qtbot, focused, start, start + QPoint(60, 40))
    assert stack.count() == 1
    moved = scene.positions()
    assert moved[node] != before[node]
    assert {n for n in before if moved[n] != before[n]} == {node}
    stack.undo()
    assert scene.positions() == before
    stack.redo()
    assert scene.positions() == moved
    # The edges follow the node: every line at the node starts or ends at its new place.
    item = scene.items_by_id[node]
    layer = scene.edge_layer
    ends = [layer.lines[i] for i, e in enumerate(layer.edges) if node in (e.source, e.target)]
    assert ends and all(item.pos() in (line.p1(), line.p2()) for line in ends)


def test_hide_and_pin_by_keyboard_undo_and_redo(
    qtbot: QtBot, focused: ChartWidget, selection: SelectionModel
) -> None:
    scene, stack = focused.chart_scene, focused.undo_stack
    others = sorted(set(scene.items_by_id) - {RECRUITER_PHONE})[:3]
    links_before = focused.visible_link_count()
    selection.set(others, None)
    focused.setFocus()
    qtbot.keyClick(focused, Qt.Key.Key_P)
    assert scene.pinned() == set(others)
    qtbot.keyClick(focused, Qt.Key.Key_H)
    assert focused.visible_entity_count() == len(scene.items_by_id) - 3
    assert focused.visible_link_count() < links_before
    assert selection.ids() == frozenset()  # hidden entities leave the selection
    stack.undo()
    assert focused.visible_entity_count() == len(scene.items_by_id)
    assert focused.visible_link_count() == links_before
    stack.undo()
    assert scene.pinned() == set()
    stack.redo()
    stack.redo()
    assert scene.pinned() == set(others)
    assert scene.hidden == set(others)
    assert stack.count() == 2


def test_highlighted_path_is_networkx_shortest_path(
    qtbot: QtBot, demo: Case, selection: SelectionModel
) -> None:
    widget = make_chart(qtbot, demo, selection, focus=RECRUITER_PHONE, depth=2)
    graph = widget.chart.graph
    ends = sorted(graph.nodes)
    a = RECRUITER_PHONE
    b = max(ends, key=lambda n: (nx.shortest_path_length(graph, a, n), n))
    selection.set([a, b], None)
    found = widget.find_path()
    assert found == nx.shortest_path(graph, a, b)
    assert len(found) >= 3
    assert widget.chart_scene.path == found
    layer = widget.chart_scene.edge_layer
    lit = {frozenset((layer.edges[i].source, layer.edges[i].target)) for i in layer.highlight}
    assert lit == {frozenset(p) for p in pairwise(found)}


def test_time_window_hides_links_without_activity(qtbot: QtBot, demo: Case) -> None:
    widget = make_chart(qtbot, demo, SelectionModel())
    total = widget.visible_link_count()
    start, end = "2024-03-01T06:00:00Z", "2024-04-01T05:00:00Z"
    shown = widget.set_time_window(start, end)
    assert 0 < shown < total
    assert widget.banner.isVisible()
    assert widget.banner.text() == f"Links active 1 Mar 2024 - 31 Mar 2024: {shown:,} of {total:,}"
    layer = widget.chart_scene.edge_layer
    times = dict(demo.conn.execute("SELECT id, start_utc FROM events").fetchall())
    checked = 0
    for i, edge in enumerate(layer.edges):
        if edge.kind != EVENT or checked > 300:
            continue
        inside = any(start <= times[e] < end for e in edge_events(demo, edge, widget.chart))
        assert layer.visible[i] == inside, edge.key
        checked += 1
    # Standing links stay only beside an active entity.
    active = {n for i, e in enumerate(layer.edges) if layer.visible[i] and e.kind != LINK
              for n in (e.source, e.target)}  # fmt: skip
    for i, edge in enumerate(layer.edges):
        if edge.kind == LINK and not edge.first and layer.visible[i]:
            assert edge.source in active or edge.target in active
    # Entities left without an active link go, labels and all.
    hidden = [it for it in widget.chart_scene.items_by_id.values() if not it.isVisible()]
    assert hidden
    labelled = widget.chart_scene.detail_layer._label_places(4.0).boxes
    assert labelled and all(item.isVisible() for item, _ in labelled)
    assert widget.set_time_window(None, None) == total
    assert not widget.banner.isVisible()
    assert widget.visible_entity_count() == len(widget.chart.nodes)


def test_selection_round_trip(
    qtbot: QtBot, focused: ChartWidget, selection: SelectionModel
) -> None:
    heard: list[tuple[frozenset[str], object]] = []
    selection.changed.connect(lambda ids, origin: heard.append((ids, origin)))
    scene = focused.chart_scene
    picked = sorted(scene.items_by_id)[:2]
    selection.set([*picked, "event:not-on-this-chart"], "timeline")
    assert scene.selected == set(picked)
    assert all(scene.items_by_id[n].pen().width() == 5 for n in picked)
    heard.clear()
    # A click on one entity selects it alone; the chart is the origin.
    qtbot.mouseClick(
        focused.viewport(), Qt.MouseButton.LeftButton, pos=at(focused, RECRUITER_PHONE)
    )
    assert selection.ids() == {RECRUITER_PHONE, "event:not-on-this-chart"}
    assert heard[-1][1] is focused
    # A rubber band around everything selects every visible entity.
    focused.fit()
    port = focused.viewport().rect()
    drag(qtbot, focused, port.topLeft() + QPoint(2, 2), port.bottomRight() - QPoint(2, 2))
    assert set(selection.ids()) - {"event:not-on-this-chart"} == set(scene.items_by_id)
    # A click on empty space clears the chart's part of the selection.
    qtbot.mouseClick(focused.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(3, 3))
    assert selection.ids() == {"event:not-on-this-chart"}


def test_double_click_activates(qtbot: QtBot, focused: ChartWidget) -> None:
    with qtbot.waitSignal(focused.activated, timeout=1000) as signal:
        qtbot.mouseDClick(
            focused.viewport(), Qt.MouseButton.LeftButton, pos=at(focused, RECRUITER_PHONE)
        )
    assert signal.args == [RECRUITER_PHONE]


def test_expand_keeps_places_and_undoes(
    qtbot: QtBot, demo: Case, selection: SelectionModel, focused: ChartWidget
) -> None:
    scene = focused.chart_scene
    before = scene.positions()
    leaf = next(n for n in sorted(before) if n != RECRUITER_PHONE and
                set(build_graph(demo, focus=n, depth=1).nodes) - set(before))  # fmt: skip
    scene.set_pinned([RECRUITER_PHONE], True)
    added = focused.expand([leaf])
    assert added and not set(added) & set(before)
    after = scene.positions()
    assert {n: after[n] for n in before} == before
    assert set(after) == set(before) | set(added)
    assert set(build_graph(demo, focus=leaf, depth=1).nodes) <= set(after)
    focused.undo_stack.undo()
    assert scene.positions() == before
    focused.undo_stack.redo()
    assert set(scene.positions()) == set(after)


def test_most_connected_list(qtbot: QtBot, focused: ChartWidget) -> None:
    panel = MostConnected(focused, count=5)
    qtbot.addWidget(panel)
    assert panel.rows() == [n for n, _ in ranked(degree(focused.chart), 5)]
    panel.measure.setCurrentText("betweenness")
    assert panel.rows()[0] == RECRUITER_PHONE  # a focus chart is a star around its focus
    panel.list.itemClicked.emit(panel.list.item(0))
    assert focused.selection.ids() == {RECRUITER_PHONE}


def test_zoom_pan_and_fit_by_wheel_and_keys(qtbot: QtBot, focused: ChartWidget) -> None:
    start = focused.transform().m11()
    centre = focused.viewport().rect().center()
    qtbot.keyClick(focused, Qt.Key.Key_Plus)
    assert focused.transform().m11() == pytest.approx(start * 1.25)
    focused.wheelEvent(_wheel(centre, 480))
    assert focused.transform().m11() == pytest.approx(start * 1.25**5)
    bars = focused.horizontalScrollBar(), focused.verticalScrollBar()
    before = [bar.value() for bar in bars]
    qtbot.keyClick(focused, Qt.Key.Key_Right)
    qtbot.keyClick(focused, Qt.Key.Key_Down)
    assert [bar.value() for bar in bars] > before
    qtbot.keyClick(focused, Qt.Key.Key_F)
    assert focused.transform().m11() == pytest.approx(start, rel=0.05)
    seen = focused.mapToScene(focused.viewport().rect()).boundingRect()
    assert all(seen.contains(item.pos()) for item in focused.chart_scene.items_by_id.values())


def _wheel(at: QPoint, delta: int) -> QWheelEvent:
    spot = QPointF(at)
    return QWheelEvent(
        spot, spot, QPoint(0, 0), QPoint(0, delta), Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False,
    )  # fmt: skip


def test_colour_by_community_and_grading(qtbot: QtBot, focused: ChartWidget) -> None:
    scene = focused.chart_scene
    focused.set_style(ChartStyle(colour_by="community", size_by="betweenness"))
    groups = communities(focused.chart)
    first = scene.items_by_id[groups[0][0]].brush().color().name()
    assert first == COMMUNITY[0]
    assert all(scene.items_by_id[n].brush().color().name() == first for n in groups[0])
    assert max(scene.look.sizes, key=scene.look.sizes.__getitem__) == RECRUITER_PHONE
    focused.set_style(ChartStyle(colour_by="grading"))
    for node in focused.chart.nodes.values():
        colour = scene.items_by_id[node.id].brush().color().name()
        assert (colour == UNGRADED) == (node.source_grade is None)
