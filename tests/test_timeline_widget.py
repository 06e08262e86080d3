"""The timeline and heat map widgets over real encrypted cases, driven like an analyst would."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from analyst_app import timeline as tl
from analyst_app.model import Entity, Event
from analyst_app.store import Case
from analyst_app.store.editing import add_records
from widgets.selection import SelectionModel
from widgets.timeline import HeatMapWidget, TimelineWidget
from widgets.timeline.axis import choose_step, local_ticks, tick_label

CHICAGO = ZoneInfo("America/Chicago")


def _timeline(qtbot: QtBot, case: Case | None, selection: SelectionModel | None) -> TimelineWidget:
    """The widget shown, its first lanes loaded (they are read on the thread pool)."""
    widget = TimelineWidget(case, selection)
    qtbot.addWidget(widget)
    widget.resize(1300, 620)
    if case is None:
        widget.show()
        qtbot.waitExposed(widget)
        return widget
    widget.show()
    qtbot.waitExposed(widget)
    # Wait on the state, not the signal: a quick first load can finish before a
    # waitSignal is armed.
    qtbot.waitUntil(lambda: not widget.loading(), timeout=20_000)
    assert not widget.panel.isVisible()
    return widget


def _heat(qtbot: QtBot, case: Case, selection: SelectionModel) -> HeatMapWidget:
    heat = HeatMapWidget(case, selection)
    qtbot.addWidget(heat)
    with qtbot.waitSignal(heat.loaded, timeout=20_000):
        heat.resize(900, 330)
        heat.show()
        qtbot.waitExposed(heat)
    return heat


def _viewport_point(widget: TimelineWidget, t: float, lane: int) -> QPoint:
    scene = widget.view.mapViewToScene(QPointF(t, lane))
    return widget.graphics.mapFromScene(scene)


def test_lanes_are_the_most_active_entities_until_something_is_selected(
    qtbot: QtBot, demo: Case
) -> None:
    selection = SelectionModel()
    widget = _timeline(qtbot, demo, selection)
    busiest = [row[0] for row in tl.activity(demo, 12)]
    assert list(widget.lanes()) == busiest
    assert "most active" in widget.header.text()

    phone, account = "phone:+13125550123", "account:770031369050"
    with qtbot.waitSignal(widget.loaded):
        selection.set({phone, account}, origin="chart")
    assert set(widget.lanes()) == {phone, account}
    assert "2 selected entities" in widget.header.text()
    expected = demo.conn.execute(
        "SELECT count(DISTINCT e.id) FROM events e JOIN event_entities ee ON ee.event_id = e.id"
        " WHERE ee.entity_id IN (?, ?) AND e.start_utc IS NOT NULL",
        [phone, account],
    ).fetchone()[0]
    assert len(np.unique(widget.events.rowid)) == expected

    selection.set({phone}, origin=widget)  # our own change never reshapes the lanes
    assert set(widget.lanes()) == {phone, account}
    with qtbot.waitSignal(widget.loaded):
        selection.clear(origin="chart")
    assert list(widget.lanes()) == busiest


def test_clicking_an_event_selects_it_and_its_entities(qtbot: QtBot, demo: Case) -> None:
    selection = SelectionModel()
    widget = _timeline(qtbot, demo, selection)
    seen: list[tuple[frozenset[str], object]] = []
    selection.changed.connect(lambda ids, origin: seen.append((ids, origin)))
    ev = widget.events

    def alone(i: int) -> bool:  # no other event on its lane within two minutes
        near = (ev.lane == ev.lane[i]) & (np.abs(ev.t - ev.t[i]) < 120)
        return int(near.sum()) == 1

    index = next(i for i in range(len(ev) // 2, len(ev)) if alone(i))
    t, lane, rowid = (
        float(widget.events.t[index]),
        int(widget.events.lane[index]),
        int(widget.events.rowid[index]),
    )
    widget.view.setXRange(t - 60, t + 60, padding=0)  # two minutes: this event stands alone
    assert widget.showing_glyphs()
    qtbot.mouseClick(
        widget.graphics.viewport(), Qt.MouseButton.LeftButton, pos=_viewport_point(widget, t, lane)
    )

    event_id = demo.conn.execute("SELECT id FROM events WHERE rowid = ?", [rowid]).fetchone()[0]
    members = {
        r[0]
        for r in demo.conn.execute(
            "SELECT entity_id FROM event_entities WHERE event_id = ?", [event_id]
        )
    }
    assert selection.ids() == {event_id, *members}
    assert seen[-1][1] is widget
    assert widget.lanes()[lane] in members  # the lanes stayed put
    assert len(widget.rings.data) >= 1  # the picked event is ringed
    local = datetime.fromtimestamp(t, CHICAGO).strftime("%Y-%m-%d %H:%M")
    assert widget.detail.text().startswith(local)


def test_hovering_names_the_event_in_case_time(qtbot: QtBot, demo: Case) -> None:
    widget = _timeline(qtbot, demo, SelectionModel())
    index = 10
    t, lane = float(widget.events.t[index]), int(widget.events.lane[index])
    widget.view.setXRange(t - 120, t + 120, padding=0)
    qtbot.mouseMove(widget.graphics.viewport(), _viewport_point(widget, t, lane))
    local = datetime.fromtimestamp(t, CHICAGO).strftime("%Y-%m-%d %H:%M")
    qtbot.waitUntil(lambda: widget.detail.text().startswith(local), timeout=3000)
    assert widget.detail.text().split(" · ")[0].endswith(("CST", "CDT"))


def test_events_without_a_time_are_counted_in_a_visible_note(qtbot: QtBot, case: Case) -> None:
    phone = "phone:+13125550101"
    records = [
        Entity("Phone", properties={"number": "+13125550101"}),
        Entity("Phone", properties={"number": "+13125550102"}),
    ]
    for start in ("2024-05-06T12:00:00Z", None, None, None, "2024-05-09T08:00:00Z"):
        records.append(
            Event(
                "Call",
                start=start,
                participants=[("caller", phone), ("callee", "phone:+13125550102")],
            )
        )
    add_records(case, records)
    widget = _timeline(qtbot, case, SelectionModel())
    assert widget.note.isVisible()
    assert widget.note.text().startswith("3 events of these lanes have no time")
    assert widget.events.untimed == 3 and len(widget.events) == 4  # 2 timed events x 2 lanes


def test_brushing_announces_the_range_and_clearing_announces_none(qtbot: QtBot, demo: Case) -> None:
    widget = _timeline(qtbot, demo, SelectionModel())
    with qtbot.waitSignal(widget.rangeBrushed) as brushed:
        widget.set_brush("2024-03-01T06:00:00Z", "2024-03-08T06:00:00Z")
    assert brushed.args == ["2024-03-01T06:00:00Z", "2024-03-08T06:00:00Z"]
    assert "brushed 01 Mar 2024 00:00 – 08 Mar 2024 00:00" in widget.header.text()
    assert widget.brush_button.isChecked()
    with qtbot.waitSignal(widget.rangeBrushed) as cleared:
        widget.brush_button.click()
    assert cleared.args == [None, None] and widget.brush_range() is None
    with qtbot.waitSignal(widget.rangeBrushed) as again:
        widget.brush_button.click()  # a new brush over the middle of the view
    start, end = again.args
    assert tl.utc_to_epoch(start) < tl.utc_to_epoch(end)


def test_many_events_draw_as_density_then_as_glyphs_up_close(qtbot: QtBot) -> None:
    rng = np.random.default_rng(3)
    n = 200_000
    t = np.sort(1.7e9 + rng.uniform(0, 180 * 86400, n))
    lanes = [f"lane:{i}" for i in range(20)]
    events = tl.LaneEvents.build(lanes, lanes, t, rng.integers(0, 20, n), rng.integers(0, 5, n))
    widget = _timeline(qtbot, None, None)
    widget.set_events(events)
    assert not widget.showing_glyphs() and widget.density.isVisible()
    image = widget.density.image
    assert image is not None and image.shape[0] == 20 * 5 and (image > 0).mean() > 0.3
    widget.view.setXRange(t[1000], t[1000] + 1800, padding=0)
    assert widget.showing_glyphs() and not widget.density.isVisible()
    shown = sum(len(item.data) for item in widget.scatters)
    assert shown == np.searchsorted(t, t[1000] + 1800) - np.searchsorted(t, t[1000])


def _ink(image: QImage) -> tuple[float, set[tuple[int, int, int]]]:
    """Share of non-background pixels and the set of colours (sampled)."""
    colours: set[tuple[int, int, int]] = set()
    inked = total = 0
    for y in range(0, image.height(), 3):
        for x in range(0, image.width(), 3):
            c = QColor(image.pixel(x, y))
            rgb = (c.red(), c.green(), c.blue())
            colours.add(rgb)
            total += 1
            inked += rgb != (255, 255, 255) and rgb != (239, 239, 239)
    return inked / total, colours


def test_timeline_and_heat_map_render_to_png(qtbot: QtBot, demo: Case, tmp_path: Path) -> None:
    selection = SelectionModel()
    widget = _timeline(qtbot, demo, selection)
    path = tmp_path / "timeline.png"
    assert widget.grab().save(str(path))
    image = QImage(str(path))
    share, colours = _ink(image)
    assert image.width() >= 1300 and 0.05 < share < 0.9 and len(colours) > 30
    amber = QColor("#f9a825")
    assert any(
        abs(r - amber.red()) + abs(g - amber.green()) + abs(b - amber.blue()) < 40
        for r, g, b in colours
    )

    heat = _heat(qtbot, demo, selection)
    heat_path = tmp_path / "heatmap.png"
    assert heat.grab().save(str(heat_path))
    share, colours = _ink(QImage(str(heat_path)))
    assert share > 0.3 and len(colours) > 40


def test_heat_map_widget_follows_the_selection_and_a_brushed_range(
    qtbot: QtBot, demo: Case
) -> None:
    selection = SelectionModel()
    heat = _heat(qtbot, demo, selection)
    assert heat.heat is not None and heat.heat.total == tl.heatmap(demo).total
    merchant = "organization:467c51d4b4fadb4500134920"
    with qtbot.waitSignal(heat.loaded):
        selection.set({merchant}, origin="chart")
    assert heat.heat == tl.heatmap(demo, [merchant])
    assert heat.scope == "Fresh Market (fictional)"
    with qtbot.waitSignal(heat.loaded):
        heat.set_time_window("2024-03-01T06:00:00Z", "2024-04-01T05:00:00Z")
    march = tl.heatmap(
        demo, [merchant], start_utc="2024-03-01T06:00:00Z", end_utc="2024-04-01T05:00:00Z"
    )
    assert heat.heat == march and 0 < march.total < tl.heatmap(demo, [merchant]).total


def test_date_axis_reads_in_local_time_across_daylight_saving() -> None:
    night = (
        datetime(2024, 3, 9, 22, tzinfo=CHICAGO).timestamp(),
        datetime(2024, 3, 10, 5, tzinfo=CHICAGO).timestamp(),
    )
    ticks = local_ticks(*night, "hour", 1, CHICAGO)
    assert [tick_label(t, "hour", CHICAGO) for t in ticks] == [
        "22:00",
        "23:00",
        "Sun 10 Mar",
        "01:00",
        "03:00",
        "04:00",
        "05:00",
    ]  # 02:00 never happened that night
    assert choose_step(3 * 365 * 86400, 1200)[1] in ("month", "year")
    assert choose_step(3600, 1200)[1] == "minute"
    months = local_ticks(
        datetime(2024, 1, 15).timestamp(), datetime(2024, 6, 1).timestamp(), "month", 1, CHICAGO
    )
    assert [tick_label(t, "month", CHICAGO) for t in months] == [
        "Feb 2024",
        "Mar 2024",
        "Apr 2024",
        "May 2024",
    ]
    assert all(datetime.fromtimestamp(t, CHICAGO).hour == 0 for t in months)  # local midnights
