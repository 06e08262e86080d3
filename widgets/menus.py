"""Every action of the workbench, in a menu with its shortcut shown.

The Chart menu holds the chart widget's own actions (fit F, hide H, pin P, expand E,
path T), rebuilt with each chart, and the layouts on the number keys. Actions that need
an open case are disabled while locked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox

if TYPE_CHECKING:
    from widgets.main_window import MainWindow

LAYOUTS = (
    ("force", "Force-directed"),
    ("circular", "Circular"),
    ("hierarchical", "Hierarchical"),
    ("grouped", "Grouped by type"),
    ("peacock", "Peacock"),
)


@dataclass
class Actions:
    by_name: dict[str, QAction] = field(default_factory=dict)
    needs_case: list[QAction] = field(default_factory=list)
    chart_menu: Any = None
    layout_actions: list[QAction] = field(default_factory=list)
    style_actions: dict[str, QAction] = field(default_factory=dict)  # the chart's look


def build_menus(window: MainWindow) -> Actions:
    actions = Actions()
    bar = window.menuBar()

    def add(
        menu: Any,
        name: str,
        text: str,
        slot: Any,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        *,
        case: bool = True,
    ) -> QAction:
        action = QAction(text, window)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        window.addAction(action)  # shortcuts work wherever focus is
        actions.by_name[name] = action
        if case:
            actions.needs_case.append(action)
        return action

    file = bar.addMenu("&File")
    add(file, "new", "&New case…", lambda: _new_case(window), "Ctrl+N", case=False)
    add(file, "open", "&Open case…", lambda: _open_case(window), "Ctrl+O", case=False)
    file.addSeparator()
    add(file, "import", "&Import files…", window.open_import, "Ctrl+I")
    add(file, "export", "&Export (i2, Gephi, Aleph, CSV)…", lambda: _export(window), "Ctrl+E")
    add(file, "brief", "Write &brief (PDF)…", lambda: _brief(window), "Ctrl+B")
    file.addSeparator()
    add(file, "lock", "&Lock now", window.lock, "Ctrl+L")
    add(file, "quit", "&Quit", window.close, "Ctrl+Q", case=False)

    edit = bar.addMenu("&Edit")
    undo = window.undo_stack.createUndoAction(window, "&Undo")
    undo.setShortcut(QKeySequence("Ctrl+Z"))
    redo = window.undo_stack.createRedoAction(window, "&Redo")
    redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    for action in (undo, redo):
        edit.addAction(action)
        window.addAction(action)
    actions.by_name.update(undo=undo, redo=redo)
    edit.addSeparator()
    add(edit, "find", "&Find…", lambda: _find(window), "Ctrl+F")
    add(edit, "delete", "&Delete selected entities", window.delete_selected, "Del")
    add(edit, "merge", "&Merge the two selected entities…", window.merge_selected, "Ctrl+M")
    add(edit, "select_none", "Select &none", lambda: window.selection.clear(window))
    edit.addSeparator()
    add(edit, "link", "&Link the two selected entities…", window.link_selected, "Ctrl+K")
    add(
        edit,
        "duplicates",
        "Find possible &duplicates",
        window.show_duplicates,
        "Ctrl+Shift+D",
    )

    # The chart's own actions (fit F, hide H, pin P, ...) are added by fill_chart_menu
    # each time a chart is built; the layouts (number keys) are the window's.
    actions.chart_menu = bar.addMenu("&Chart")
    for number, (name, title) in enumerate(LAYOUTS, start=1):
        action = add(
            actions.chart_menu,
            f"layout-{name}",
            f"Lay out: {title}",
            lambda name=name: _chart_call(window, "relayout", name),
            str(number),
        )
        actions.layout_actions.append(action)

    view = bar.addMenu("&View")
    add(view, "refresh", "&Refresh", window.refresh, "F5")
    view.addSeparator()
    for dock in window.docks.values():
        view.addAction(dock.toggleViewAction())
    add(view, "reset_layout", "Reset window layout", window.reset_layout, case=False)

    demo = bar.addMenu("&Demo")
    add(demo, "reset_demo", "&Reset demo case", lambda: _reset_demo(window), case=False)

    help_ = bar.addMenu("&Help")
    add(
        help_,
        "shortcuts",
        "&Keyboard shortcuts",
        lambda: _shortcuts(window, actions),
        "F1",
        case=False,
    )
    add(help_, "about", "&About Threadline", lambda: _about(window), case=False)
    return actions


def fill_chart_menu(window: MainWindow) -> None:
    """Put the current chart's actions (with their shortcuts) and the layouts in the menu."""
    menu = window.actions_.chart_menu
    for old in menu.findChildren(QMenu):  # the last chart's submenus (clear keeps them)
        old.deleteLater()
    menu.clear()
    chart_actions = getattr(window.chart, "actions_by_name", {})
    for action in chart_actions.values():
        menu.addAction(action)
    menu.addSeparator()
    for action in window.actions_.layout_actions:
        menu.addAction(action)
    if window.chart is not None:
        from widgets.chart.style_menu import add_style_menus

        menu.addSeparator()
        window.actions_.style_actions = add_style_menus(
            menu,
            window.chart,
            lambda _name: window.views["sidebar"].refresh(),
            lambda sentence: window.statusBar().showMessage(sentence, 8000),
        )


def _chart_call(window: MainWindow, method: str, *args: Any) -> None:
    target = getattr(window.chart, method, None)
    if callable(target):
        target(*args)
    else:
        window.statusBar().showMessage("The link chart is still loading.", 5000)


def _find(window: MainWindow) -> None:
    dock = window.docks["search"]
    dock.show()
    dock.raise_()
    box = window.views["search"].box
    box.setFocus()
    box.selectAll()


def _new_case(window: MainWindow) -> None:
    from widgets.new_case import NewCaseDialog

    dialog = NewCaseDialog(window)
    if dialog.exec() and dialog.case is not None:
        window.demo = False
        window.switch_case(dialog.case)


def _open_case(window: MainWindow) -> None:
    from widgets.unlock import UnlockDialog

    dialog = UnlockDialog(window)
    if dialog.exec() and dialog.case is not None:
        window.demo = False
        window.switch_case(dialog.case)


def _export(window: MainWindow) -> Any:
    from widgets.output_dialogs import ExportDialog

    return _show_output(window, ExportDialog(window.case, window.selection.ids(), window))


def _brief(window: MainWindow) -> Any:
    from widgets.output_dialogs import BriefDialog

    return _show_output(window, BriefDialog(window.case, window))


def _show_output(window: MainWindow, dialog: Any) -> Any:
    """Window-modal (no view reads the case meanwhile); the audit log shows the new entry."""
    dialog.finishedOutput.connect(lambda _result: window.views["audit"].refresh())
    dialog.open()
    return dialog


def _reset_demo(window: MainWindow) -> None:
    from widgets.demo_loader import reset_demo

    answer = QMessageBox.question(
        window,
        "Reset demo case",
        "Rebuild the demo case from its raw files? Every change made to it is lost.",
    )
    if answer == QMessageBox.StandardButton.Yes:
        reset_demo(window)


def _shortcuts(window: MainWindow, actions: Actions) -> None:
    native = QKeySequence.SequenceFormat.NativeText
    lines = [
        f"{a.shortcut().toString(native):>14}   {a.text().replace('&', '')}"
        for a in actions.by_name.values()
        if not a.shortcut().isEmpty()
    ]
    box = QMessageBox(window)
    box.setWindowTitle("Keyboard shortcuts")
    box.setText("<pre>" + "\n".join(lines) + "</pre>")
    box.exec()


def _about(window: MainWindow) -> None:
    from analyst_app import __version__

    QMessageBox.about(
        window,
        "About Threadline",
        f"Threadline {__version__}: offline link charts, timelines and briefs for "
        "human-trafficking investigations. Nothing ever touches the network.",
    )
