"""The "Possible duplicates" dock over real encrypted cases: search off the GUI thread,
cancel, shared selection, merge with Ctrl+Z / Ctrl+Shift+Z, and remembered decisions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QUndoStack
from PySide6.QtWidgets import QDialogButtonBox, QDockWidget, QMainWindow
from pytestqt.qtbot import QtBot

from analyst_app.resolution import Candidate, decisions, merge, merges
from analyst_app.store import Case
from analyst_app.store.audit import entries, verify_chain
from analyst_app.store.queries import get_entity
from tests.test_resolution_merge import dump
from widgets.commands import CaseContext
from widgets.duplicates_view import EMPTY, DuplicatesView
from widgets.selection import SelectionModel

PIC = Path("/tmp/threadline-duplicates")


class Host(QMainWindow):
    """The smallest window a dock lives in: the view, the undo stack, Ctrl+Z / Ctrl+Shift+Z."""

    def __init__(self, case: Case) -> None:
        super().__init__()
        self.selection = SelectionModel(self)
        self.undo_stack = QUndoStack(self)
        self.view = DuplicatesView(case, self.selection, self.undo_stack)
        dock = QDockWidget("Possible duplicates", self)
        dock.setWidget(self.view)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        undo = self.undo_stack.createUndoAction(self, "Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_stack.createRedoAction(self, "Redo")
        redo.setShortcut(QKeySequence("Ctrl+Shift+Z"))
        self.addActions([undo, redo])
        self.resize(1000, 520)


@pytest.fixture
def demo(demo_case_copy: Path) -> Iterator[Case]:
    opened = Case.open(demo_case_copy, "demo")
    yield opened
    opened.close()


@pytest.fixture
def host(qtbot: QtBot, demo: Case) -> Iterator[Host]:
    shown = Host(demo)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    yield shown
    shown.view.detach()


def search(qtbot: QtBot, view: DuplicatesView) -> int:
    with qtbot.waitSignal(view.searched, timeout=30_000) as done:
        view.find_button.click()
        assert not view.cancel_button.isHidden() and not view.find_button.isEnabled()
    assert view.cancel_button.isHidden() and view.find_button.isEnabled()
    return int(done.args[0])


def row_of(view: DuplicatesView, *labels: str) -> int:
    for row, c in enumerate(view.candidates):
        if {c.a_label, c.b_label} == set(labels):
            return row
    raise AssertionError(
        f"no pair {labels} among {[(c.a_label, c.b_label) for c in view.candidates]}"
    )


def content(case: Case) -> dict[str, Any]:
    """Every content row (entities, links, events, participation, provenance, tags, notes,
    sources, quarantine) and the full-text index; decisions are the analyst's, not content."""
    out = dump(case)
    del out["resolution_decisions"]
    return out


def picture(widget: Any, name: str) -> Path:
    PIC.mkdir(exist_ok=True)
    path = PIC / name
    assert widget.grab().save(str(path))
    return path


def test_find_duplicates_lists_the_demo_pairs_with_their_reasons(qtbot: QtBot, host: Host) -> None:
    view = host.view
    assert not view.merge_button.isEnabled()  # nothing selected yet
    n = search(qtbot, view)
    assert n == view.model.rowCount() == len(view.candidates) > 10
    scores = [c.score for c in view.candidates]
    assert scores == sorted(scores, reverse=True)
    row = row_of(view, "Dima", "Dmitri Fakename")
    model = view.model
    shown = [model.data(model.index(row, col)) for col in range(5)]
    assert shown[1] == "Person" and {shown[2], shown[3]} == {"Dima", "Dmitri Fakename"}
    assert "short form" in shown[4] and "same phone" in shown[4]
    assert "<li>" in model.data(model.index(row, 4), Qt.ItemDataRole.ToolTipRole)
    assert "possible duplicates, best first" in view.note.text()
    view.select_row(row)
    assert "Dmitri Fakename" in view.detail.text() and "source row" in view.detail.text()
    path = picture(host, "duplicates-demo.png")
    assert path.stat().st_size > 10_000


def test_selection_follows_the_table(qtbot: QtBot, host: Host) -> None:
    view = host.view
    search(qtbot, view)
    for row in (0, 3):
        with qtbot.waitSignal(host.selection.changed) as changed:
            view.select_row(row)
        pair = view.candidates[row]
        assert changed.args == [frozenset({pair.a_id, pair.b_id}), view]
        assert host.selection.ids() == {pair.a_id, pair.b_id}
        assert view.merge_button.isEnabled() and view.merge_button.text().startswith("Same")


def _accept(qtbot: QtBot, view: DuplicatesView, keep: str | None = None) -> None:
    dialog = view.keep_dialog
    assert dialog is not None and dialog.isVisible()
    if keep is not None:
        for button, facts in dialog.choices:
            if facts.label == keep:
                button.setChecked(True)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: view.keep_dialog is None)


def test_merge_then_ctrl_z_restores_the_case_exactly_and_ctrl_shift_z_merges_again(
    qtbot: QtBot, host: Host, demo: Case
) -> None:
    view = host.view
    search(qtbot, view)
    before = content(demo)
    row = row_of(view, "Dima", "Dmitri Fakename")
    pair = view.candidates[row]
    view.select_row(row)
    view.merge_button.click()
    dialog = view.keep_dialog
    assert dialog is not None
    # Both come from one source row each; the fuller record (more links) is preselected.
    assert dialog.kept().label == "Dmitri Fakename"
    picture(dialog, "duplicates-keep-dialog.png")
    with qtbot.waitSignal(view.caseChanged) as changed:
        _accept(qtbot, view)
    kept = dialog_kept = next(i for i in (pair.a_id, pair.b_id) if get_entity(demo, i))
    gone = ({pair.a_id, pair.b_id} - {kept}).pop()
    assert changed.args[0] == frozenset({kept, gone})
    assert get_entity(demo, dialog_kept).label == "Dmitri Fakename"  # type: ignore[union-attr]
    assert get_entity(demo, gone) is None
    assert "Dima" in get_entity(demo, kept).properties.get("alias", [])  # type: ignore[union-attr]
    assert decisions(demo)[(pair.a_id, pair.b_id)] == "match"
    assert pair not in view.candidates and host.undo_stack.count() == 1
    assert host.undo_stack.undoText() == "Merge Dima into Dmitri Fakename"
    assert view.note.text().startswith("Merged Dima into Dmitri Fakename")
    merged = content(demo)
    assert merged != before

    host.activateWindow()
    qtbot.waitUntil(host.isActiveWindow)
    with qtbot.waitSignal(view.caseChanged):
        qtbot.keyClick(view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert content(demo) == before
    assert get_entity(demo, gone) is not None
    assert pair in view.candidates  # offered again, at its place by score
    assert merges(demo)[0]["undone_at"] is not None

    with qtbot.waitSignal(view.caseChanged):
        qtbot.keyClick(
            view.table,
            Qt.Key.Key_Z,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    assert get_entity(demo, gone) is None and pair not in view.candidates
    again = content(demo)
    # The same rows as the first merge; only the kept record's updated_at is newer.
    assert [r[:-1] for r in again["entities"]] == [r[:-1] for r in merged["entities"]]
    assert again["links"] == merged["links"] and again["provenance"] == merged["provenance"]
    host.undo_stack.undo()
    assert content(demo) == before
    history = [e["action"] for e in entries(demo.conn)][:5]
    assert history == [
        "unmerge entities",
        "merge entities",
        "unmerge entities",
        "merge entities",
        "resolution decision",
    ]
    assert verify_chain(demo.conn).intact


def test_not_the_same_is_remembered_and_decide_later_is_not(
    qtbot: QtBot, host: Host, demo: Case
) -> None:
    view = host.view
    search(qtbot, view)
    n = len(view.candidates)
    distinct = view.candidates[row_of(view, "Dima", "Dmitri Fakename")]
    later = view.candidates[row_of(view, "Sasha", "Sasha Examplestein")]
    view.select_row(view.candidates.index(distinct))
    view.distinct_button.click()
    assert distinct not in view.candidates and len(view.candidates) == n - 1
    assert view.selected() is not None  # on to the next pair
    assert decisions(demo) == {(distinct.a_id, distinct.b_id): "no_match"}
    view.select_row(view.candidates.index(later))
    view.later_button.click()
    assert later not in view.candidates and len(view.candidates) == n - 2
    assert len(decisions(demo)) == 1

    assert search(qtbot, view) == n - 1
    ids = {(c.a_id, c.b_id) for c in view.candidates}
    assert (distinct.a_id, distinct.b_id) not in ids
    assert (later.a_id, later.b_id) in ids


def test_the_search_can_be_cancelled_and_keeps_the_table(qtbot: QtBot, host: Host) -> None:
    view = host.view
    n = search(qtbot, view)
    shown = list(view.candidates)
    view.select_row(0)
    assert view.merge_button.isEnabled()
    job = view.find_duplicates()
    assert job is not None and view.cancel_button.isVisible()
    assert not view.merge_button.isEnabled()  # no decisions while a search runs
    results: list[object] = []
    job.signals.done.connect(results.append)
    with (
        qtbot.waitSignal(job.signals.finished, timeout=30_000),
        qtbot.assertNotEmitted(view.searched, wait=0),
    ):
        view.cancel_button.click()
    assert job.cancelled() and results == [None]  # the worker's result was dropped
    assert view.candidates == shown and len(shown) == n
    assert view.note.text() == "Search cancelled; nothing was changed."
    assert view.find_button.isEnabled() and not view.cancel_button.isVisible()
    assert search(qtbot, view) == n  # and a new search works


def test_an_empty_case_says_so(qtbot: QtBot, case: Case) -> None:
    shown = Host(case)
    qtbot.addWidget(shown)
    shown.show()
    assert search(qtbot, shown.view) == 0
    assert shown.view.note.text() == EMPTY
    assert not shown.view.merge_button.isEnabled()
    picture(shown.view, "duplicates-empty.png")
    shown.view.detach()


def test_an_undo_the_case_refuses_is_said_and_leaves_the_stack_consistent(
    qtbot: QtBot, host: Host, demo: Case
) -> None:
    view = host.view
    search(qtbot, view)
    pair = view.candidates[row_of(view, "Dima", "Dmitri Fakename")]
    kept, gone = pair.a_id, pair.b_id
    command = view.merge(pair, kept, gone)
    assert command is not None and host.undo_stack.count() == 1
    # Someone merges the kept record again outside this stack: the first merge cannot be
    # undone before that one, and the stack must not pretend it was.
    other = next(c for c in view.candidates if c.type == "Person" and kept not in (c.a_id, c.b_id))
    merge(demo, kept, other.a_id)
    after = content(demo)
    with qtbot.waitSignal(view.problem) as problem:
        host.undo_stack.undo()
    sentence = problem.args[0]
    assert sentence.startswith("The merge could not be undone: merge ")
    assert sentence.endswith("undo that first. It stays, and is off the undo list.")
    assert view.note.text() == sentence
    assert host.undo_stack.count() == 0 and not host.undo_stack.canRedo()
    assert content(demo) == after  # nothing half-done


def test_a_merge_the_case_refuses_pushes_nothing(qtbot: QtBot, host: Host, demo: Case) -> None:
    view = host.view
    search(qtbot, view)
    pair = view.candidates[0]
    before = content(demo)
    fake = Candidate(pair.a_id, "person:nobody", "Person", "x", "y", 50, ("same name",), ())
    with qtbot.waitSignal(view.problem) as problem:
        assert view.merge(fake, pair.a_id, "person:nobody") is None
    assert problem.args[0] == "there is no entity 'person:nobody' in this case."
    assert host.undo_stack.count() == 0 and content(demo) == before


def test_before_any_search_the_dock_says_what_it_does(qtbot: QtBot, host: Host) -> None:
    view = host.view
    assert view.pages.currentWidget() is view.empty and "Nothing is merged" in view.empty.text()
    assert not view.note.isVisible() and not view.progress.isVisible()
    picture(host, "duplicates-start.png")


def test_undo_after_the_case_is_reopened_reaches_the_new_view(
    qtbot: QtBot, demo_case_copy: Path
) -> None:
    """As after auto-lock: the window keeps its stack and context, the views are rebuilt."""
    context = CaseContext(Case.open(demo_case_copy, "demo"))
    selection, stack = SelectionModel(), QUndoStack()
    first = DuplicatesView(context, selection, stack)
    qtbot.addWidget(first)
    search(qtbot, first)
    before = content(context.case)
    pair = first.candidates[row_of(first, "Dima", "Dmitri Fakename")]
    assert first.merge(pair, pair.b_id, pair.a_id) is not None
    first.detach()
    context.case.close()
    context.case = Case.open(demo_case_copy, "demo")
    second = DuplicatesView(context, selection, stack)
    qtbot.addWidget(second)
    edited: list[str] = []
    context.edited.connect(edited.append)
    with qtbot.waitSignal(second.caseChanged) as changed:
        stack.undo()
    assert changed.args[0] == frozenset({pair.a_id, pair.b_id})
    assert set(edited) == {pair.a_id, pair.b_id}
    assert content(context.case) == before
    second.detach()
    context.case.close()


def test_a_redo_the_case_refuses_is_said_and_dropped(qtbot: QtBot, host: Host, demo: Case) -> None:
    view = host.view
    search(qtbot, view)
    pair = view.candidates[row_of(view, "Sasha", "Sasha Examplestein")]
    sasha = pair.a_id if pair.a_label == "Sasha" else pair.b_id
    full = ({pair.a_id, pair.b_id} - {sasha}).pop()
    assert view.merge(pair, full, sasha) is not None
    host.undo_stack.undo()
    # Meanwhile "Sasha" is merged into the other Sasha Examplestein, outside this stack.
    other = next(c for c in view.candidates if {c.a_label, c.b_label} == {"Sasha Examplestein"})
    merge(demo, other.a_id if other.a_id != full else other.b_id, sasha)
    after = content(demo)
    with qtbot.waitSignal(view.problem) as problem:
        host.undo_stack.redo()
    assert problem.args[0] == (
        f"The merge could not be redone: there is no entity {sasha!r} in this case."
        " It is off the redo list."
    )
    assert host.undo_stack.count() == 0 and content(demo) == after


def test_a_search_running_when_the_case_closes_is_dropped(qtbot: QtBot, host: Host) -> None:
    view = host.view
    job = view.find_duplicates()
    assert job is not None
    finished: list[bool] = []
    job.signals.finished.connect(lambda: finished.append(True))
    view.detach()
    assert job.cancelled()
    qtbot.waitUntil(lambda: bool(finished), timeout=30_000)
    assert view.candidates == [] and view.pages.currentWidget() is view.empty
