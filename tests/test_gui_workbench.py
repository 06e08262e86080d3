"""The main window over real encrypted cases: search, shared selection, inspector edits
with undo and redo, the audit log, auto-lock and unlock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from analyst_app.model import Entity
from analyst_app.store import Case
from analyst_app.store.editing import add_one
from analyst_app.store.queries import get_entity
from tests.conftest import PASSPHRASE
from widgets.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, case: Case) -> Iterator[MainWindow]:
    add_one(
        case, Entity(type="Person", label="Ramona Quillfeather", properties={"alias": ["Mona"]})
    )
    add_one(case, Entity(type="Person", label="Tobias Wrenfield"))
    add_one(case, Entity(type="Phone", label="", properties={"number": "+1 312 555 0142"}))
    shown = MainWindow(case, autolock_minutes=60)
    qtbot.addWidget(shown)
    with qtbot.waitSignal(shown.viewsBuilt, timeout=30_000):  # chart and timeline come late
        shown.show()
    qtbot.waitExposed(shown)
    yield shown
    shown.close()


def person_id(case: Case, label: str) -> str:
    row = case.conn.execute("SELECT id FROM entities WHERE label = ?", (label,)).fetchone()
    return str(row[0])


def test_the_sidebar_counts_entities_by_type(window: MainWindow) -> None:
    assert window.views["sidebar"].counts() == {"Person": 2, "Phone": 1}
    assert "24-TEST-001" in window.windowTitle()


def test_search_selects_and_the_inspector_follows(qtbot: QtBot, window: MainWindow) -> None:
    search = window.views["search"]
    with qtbot.waitSignal(search.searched) as searched:
        search.box.setText("q")
    assert searched.args[0] == 0 and search.count.text() == "Type two or more characters"
    with qtbot.waitSignal(search.searched) as searched:
        search.box.setText("quill")
    assert searched.args[0] == 1 and search.count.text() == "1 result"
    with qtbot.waitSignal(window.selection.changed) as changed:
        search.results.setCurrentRow(0)
    wanted = person_id(window.case, "Ramona Quillfeather")
    assert changed.args[0] == frozenset({wanted}) and changed.args[1] is search
    inspector = window.views["inspector"]
    assert inspector.label.text() == "Ramona Quillfeather"
    assert inspector.body.isEnabled()


def test_a_number_is_found_as_typed_and_the_type_filter_applies(
    qtbot: QtBot, window: MainWindow
) -> None:
    search = window.views["search"]
    with qtbot.waitSignal(search.searched) as searched:
        search.box.setText("(312) 555-01")
    assert searched.args[0] == 1
    with qtbot.waitSignal(search.searched) as searched:
        search.types.setCurrentIndex(search.types.findData("Person"))
    assert searched.args[0] == 0


def test_selection_is_shared_between_the_sidebar_and_the_inspector(
    qtbot: QtBot, window: MainWindow
) -> None:
    sidebar = window.views["sidebar"]
    people = next(
        sidebar.topLevelItem(0).child(i)
        for i in range(sidebar.topLevelItem(0).childCount())
        if sidebar.topLevelItem(0).child(i).text(0) == "People"
    )
    with qtbot.waitSignal(window.selection.changed):
        sidebar.itemClicked.emit(people, 0)
    assert len(window.selection.ids()) == 2
    assert "2 objects selected" in window.views["inspector"].header.text()
    window.selection.set([person_id(window.case, "Tobias Wrenfield")], "chart")
    assert window.views["inspector"].label.text() == "Tobias Wrenfield"


def test_inspector_edit_undo_redo_follow_the_case(qtbot: QtBot, window: MainWindow) -> None:
    wanted = person_id(window.case, "Ramona Quillfeather")
    window.selection.set([wanted], "test")
    inspector = window.views["inspector"]

    inspector.status.setCurrentText("suspected")
    inspector.status.activated.emit(inspector.status.currentIndex())
    inspector.role.setCurrentText("suspect")
    inspector.role.activated.emit(inspector.role.currentIndex())
    inspector.source_grade.setCurrentIndex(inspector.source_grade.findData("B"))
    inspector.source_grade.activated.emit(inspector.source_grade.currentIndex())
    inspector.label.setText("Ramona Q. Quillfeather")
    inspector.label.editingFinished.emit()
    entity = get_entity(window.case, wanted)
    assert entity is not None
    assert (entity.status, entity.role, entity.source_grade, entity.label) == (
        "suspected",
        "suspect",
        "B",
        "Ramona Q. Quillfeather",
    )
    assert window.undo_stack.count() == 4

    undo, redo = window.actions_.by_name["undo"], window.actions_.by_name["redo"]
    assert undo.shortcut().toString() == "Ctrl+Z" and redo.shortcut().toString() == "Ctrl+Shift+Z"
    undo.trigger()
    undo.trigger()
    entity = get_entity(window.case, wanted)
    assert entity is not None
    assert (entity.label, entity.source_grade, entity.role) == (
        "Ramona Quillfeather",
        None,
        "suspect",
    )
    assert inspector.label.text() == "Ramona Quillfeather"  # the view follows the undo
    redo.trigger()
    entity = get_entity(window.case, wanted)
    assert entity is not None and entity.source_grade == "B"

    actions = window.views["audit"].action_names()
    assert actions.count("edit entity") == 7  # four edits, two undos, one redo


def test_property_edit_and_note_are_undoable(qtbot: QtBot, window: MainWindow) -> None:
    wanted = person_id(window.case, "Ramona Quillfeather")
    window.selection.set([wanted], "test")
    inspector = window.views["inspector"]
    table = inspector.properties
    row = next(
        r
        for r in range(table.rowCount())
        if table.item(r, 0).data(Qt.ItemDataRole.UserRole) == "alias"
    )
    table.item(row, 1).setText("Mona; Ray")
    entity = get_entity(window.case, wanted)
    assert entity is not None and entity.properties["alias"] == ["Mona", "Ray"]

    inspector.note_text.setText("Seen at the bus station on 3 March.")
    inspector.note_text.returnPressed.emit()
    assert inspector.notes.count() == 1 and "bus station" in inspector.notes.item(0).text()
    window.undo_stack.undo()
    assert inspector.notes.count() == 0
    window.undo_stack.undo()
    entity = get_entity(window.case, wanted)
    assert entity is not None and entity.properties["alias"] in ("Mona", ["Mona"])
    window.undo_stack.redo()
    window.undo_stack.redo()
    assert inspector.notes.count() == 1


def test_a_refused_edit_is_said_and_nothing_changes(qtbot: QtBot, window: MainWindow) -> None:
    wanted = person_id(window.case, "Ramona Quillfeather")
    window.selection.set([wanted], "test")
    inspector = window.views["inspector"]
    table = inspector.properties
    row = next(
        r
        for r in range(table.rowCount())
        if table.item(r, 0).data(Qt.ItemDataRole.UserRole) == "birth_date"
    )
    with qtbot.waitSignal(inspector.problem) as problem:
        table.item(row, 1).setText("yesterday-ish")
    assert "not a date" in problem.args[0]
    entity = get_entity(window.case, wanted)
    assert entity is not None and "birth_date" not in entity.properties
    assert inspector.properties.item(row, 1).text() == ""  # the view shows the case again
    assert window.undo_stack.count() == 0

    inspector.label.setText("")  # the store keeps the name as the label: no empty step
    inspector.label.editingFinished.emit()
    assert inspector.label.text() == "Ramona Quillfeather"
    assert window.undo_stack.count() == 0


def test_auto_lock_closes_the_case_and_unlock_restores_the_view(qtbot: QtBot, case: Case) -> None:
    add_one(case, Entity(type="Person", label="Ramona Quillfeather"))
    wanted = person_id(case, "Ramona Quillfeather")
    window = MainWindow(case, autolock_minutes=60)
    qtbot.addWidget(window)
    window.show()
    window.views["search"].box.setText("ramona")
    window.selection.set([wanted], "test")
    window.idle.set_minutes(0.002)  # 120 ms of idleness
    with qtbot.waitSignal(window.locked, timeout=5_000):
        window.idle.start()
    assert case.closed
    assert window.lock_screen is not None and window.centralWidget() is window.lock_screen
    assert all(not dock.isVisible() for dock in window.docks.values())
    assert window.windowTitle() == "Locked · Threadline"
    assert not window.actions_.by_name["import"].isEnabled()

    window.lock_screen.passphrase.setText("wrong")
    with qtbot.waitSignal(window.unlockFailed, timeout=10_000):
        window.lock_screen.button.click()
    assert "passphrase" in window.lock_screen.error.text().lower()

    window.idle.set_minutes(60)
    window.lock_screen.passphrase.setText(PASSPHRASE)
    with qtbot.waitSignal(window.viewsBuilt, timeout=10_000):
        window.lock_screen.button.click()
    assert not window.case.closed and window.case is not case
    assert window.selection.ids() == frozenset({wanted})
    assert window.views["inspector"].label.text() == "Ramona Quillfeather"
    assert window.views["search"].box.text() == "ramona"
    assert window.docks["inspector"].isVisible()
    window.close()


def test_layout_is_remembered_between_windows(qtbot: QtBot, case_path: Path) -> None:
    case = Case.create(case_path, PASSPHRASE)
    first = MainWindow(case, autolock_minutes=60)
    qtbot.addWidget(first)
    first.show()
    assert first.docks["inspector"].isVisible()
    first.docks["inspector"].hide()
    first.close()
    second = MainWindow(Case.open(case_path, PASSPHRASE), autolock_minutes=60)
    qtbot.addWidget(second)
    second.show()
    assert not second.docks["inspector"].isVisible()
    assert second.docks["search"].isVisible()
    second.close()


def test_every_menu_action_shows_its_shortcut(window: MainWindow) -> None:
    named = window.actions_.by_name
    expected = {
        "find": "Ctrl+F",
        "export": "Ctrl+E",
        "brief": "Ctrl+B",
        "layout-force": "1",
        "layout-peacock": "5",
        "import": "Ctrl+I",
        "lock": "Ctrl+L",
    }
    for name, shortcut in expected.items():
        assert named[name].shortcut().toString() == shortcut, name
    in_menus = {a for menu in window.menuBar().actions() for a in menu.menu().actions()}
    assert set(named.values()) <= in_menus
    assert window.chart is not None
    fit = window.chart.actions_by_name["fit"]
    assert fit in in_menus and fit.shortcut().toString() == "F"


def test_merge_and_unmerge_through_the_undo_stack(qtbot: QtBot, window: MainWindow) -> None:
    kept = person_id(window.case, "Ramona Quillfeather")
    add_one(
        window.case, Entity(type="Person", label="Ramona Quilfeather", properties={"alias": ["Ro"]})
    )
    other = person_id(window.case, "Ramona Quilfeather")
    window.refresh()
    assert window.views["sidebar"].counts()["Person"] == 3
    window.selection.set([kept, other], "test")
    assert window.merge_selected(kept)
    assert window.selection.ids() == frozenset({kept})
    assert get_entity(window.case, other) is None
    entity = get_entity(window.case, kept)
    assert entity is not None and "Ro" in entity.properties["alias"]
    assert window.views["sidebar"].counts()["Person"] == 2
    assert window.undo_stack.undoText().startswith("Merge Ramona Quilfeather into")

    window.undo_stack.undo()
    assert get_entity(window.case, other) is not None
    entity = get_entity(window.case, kept)
    assert entity is not None and "Ro" not in str(entity.properties.get("alias"))
    assert window.views["sidebar"].counts()["Person"] == 3
    window.undo_stack.redo()
    assert get_entity(window.case, other) is None
    actions = window.views["audit"].action_names()
    assert actions[:3] == ["merge entities", "unmerge entities", "merge entities"]


def test_merge_refused_by_the_core_is_said(qtbot: QtBot, window: MainWindow) -> None:
    person = person_id(window.case, "Ramona Quillfeather")
    phone = window.case.conn.execute("SELECT id FROM entities WHERE type = 'Phone'").fetchone()[0]
    window.selection.set([person, phone], "test")
    assert not window.merge_selected(person)
    assert "only entities of one type" in window.statusBar().currentMessage()
    assert window.undo_stack.count() == 0


def test_delete_key_deletes_the_selection_and_undo_restores_it(
    qtbot: QtBot, window: MainWindow
) -> None:
    wanted = person_id(window.case, "Tobias Wrenfield")
    window.selection.set([wanted], "test")
    delete = window.actions_.by_name["delete"]
    assert delete.shortcut().toString() == "Del"
    delete.trigger()
    assert get_entity(window.case, wanted) is None
    assert window.selection.ids() == frozenset()
    assert window.views["sidebar"].counts()["Person"] == 1
    window.undo_stack.undo()
    entity = get_entity(window.case, wanted)
    assert entity is not None and entity.label == "Tobias Wrenfield"
    assert window.views["sidebar"].counts()["Person"] == 2
    search = window.views["search"]
    with qtbot.waitSignal(search.searched) as searched:
        search.box.setText("wrenf")
    assert searched.args[0] == 1  # back in the full-text index too


def test_a_one_letter_last_word_waits_for_its_second(qtbot: QtBot, window: MainWindow) -> None:
    search = window.views["search"]
    with qtbot.waitSignal(search.searched) as searched:
        search.box.setText("ramona x")  # 'x' alone would match nothing yet
    assert searched.args[0] == 1
    with qtbot.waitSignal(search.searched) as searched:
        search.box.setText("ramona xy")
    assert searched.args[0] == 0
