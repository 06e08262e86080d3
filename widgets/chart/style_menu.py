"""The chart's look and saved views in the window's Chart menu: colour by, size by, show
(labels, link labels, the legend), and "Save view…".

The choices are view settings, not edits of the case (no undo step); a saved view keeps
them. The ticks are read from the chart each time the menu opens, so a view opened from
the sidebar shows its own style there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QInputDialog, QMenu, QWidget

from analyst_app.graph.views import ViewError
from widgets.chart.widget import ChartWidget

COLOURS = (("type", "Entity type"), ("community", "Community"), ("grading", "Source grading"))
SIZES = (
    ("degree", "Degree (ties)"),
    ("betweenness", "Betweenness (brokers)"),
    ("closeness", "Closeness"),
    ("eigenvector", "Eigenvector (tied to the well tied)"),
    ("none", "All the same size"),
)
SWITCHES = (("labels", "Entity labels"), ("link_labels", "Link labels"), ("legend", "Legend"))


def add_style_menus(
    menu: QMenu, chart: ChartWidget, saved: Callable[[str], None], tell: Callable[[str], None]
) -> dict[str, QAction]:
    """Colour by, Size by, the switches and "Save view…" at the end of `menu`; returns
    the actions by name ("colour:type", "size:degree", "labels", "save_view", ...)."""
    actions: dict[str, QAction] = {}
    subs: list[QMenu] = []

    def choose(field: str, value: Any) -> None:
        chart.set_style(replace(chart.chart_scene.chart_style, **{field: value}))

    for title, field, options in (
        ("Colour by", "colour_by", COLOURS),
        ("Size by", "size_by", SIZES),
    ):
        sub = menu.addMenu(title)
        subs.append(sub)
        group = QActionGroup(sub)
        for value, label in options:
            action = sub.addAction(label)
            action.setCheckable(True)
            group.addAction(action)
            action.triggered.connect(lambda _on=False, f=field, v=value: choose(f, v))
            actions[f"{field.split('_')[0]}:{value}"] = action
    shown = menu.addMenu("Show")
    subs.append(shown)
    for field, label in SWITCHES:
        action = shown.addAction(label)
        action.setCheckable(True)
        action.triggered.connect(lambda on, f=field: choose(f, bool(on)))
        actions[field] = action

    def ticked() -> None:
        style = chart.chart_scene.chart_style
        actions[f"colour:{style.colour_by}"].setChecked(True)
        actions[f"size:{style.size_by}"].setChecked(True)
        for field, _label in SWITCHES:
            actions[field].setChecked(bool(getattr(style, field)))

    # On the submenus, which go with this chart (menus.fill_chart_menu deletes them): a
    # handler on the Chart menu itself would outlive the chart it reads.
    for sub in subs:
        sub.aboutToShow.connect(ticked)
    ticked()
    menu.addSeparator()
    save = menu.addAction("Save view…")
    save.triggered.connect(lambda: ask_and_save(chart, chart.window(), saved, tell))
    actions["save_view"] = save
    return actions


def ask_and_save(
    chart: ChartWidget,
    parent: QWidget,
    saved: Callable[[str], None],
    tell: Callable[[str], None],
) -> None:
    """Save what the chart shows under a name the analyst gives; a bad name is one
    sentence in the status bar, not an exception."""
    name, ok = QInputDialog.getText(parent, "Save view", "Name of the view:")
    if not ok:
        return
    try:
        view = chart.save_view(name)
    except ViewError as exc:
        tell(str(exc))
        return
    saved(view.name)
    tell(f"Saved the view {view.name!r}: open it from Saved views in the Case panel.")
