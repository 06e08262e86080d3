"""Workbench follow-ups over real encrypted cases: the duplicates dock in the window, jobs
heard however quick, findings decided with undo, linking two entities, and the window
shown before its chart and timeline are built."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDialogButtonBox, QLabel
from pytestqt.qtbot import QtBot

from analyst_app.findings import load_findings, run_rules, store_findings
from analyst_app.model import Entity
from analyst_app.store import Case, edits_more
from analyst_app.store.audit import entries, verify_chain
from analyst_app.store.editing import add_one
from analyst_app.store.errors import CaseError
from analyst_app.store.queries import get_entity
from tests.conftest import PASSPHRASE
from widgets.link_dialog import LinkDialog
from widgets.main_window import MainWindow
from widgets.workers import run_job


def _show(qtbot: QtBot, window: MainWindow) -> MainWindow:
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.viewsBuilt, timeout=60_000):
        window.show()
    return window


@pytest.fixture
def demo_window(qtbot: QtBot, demo_case_copy: Path) -> Iterator[MainWindow]:
    case = Case.open(demo_case_copy, "demo")
    store_findings(case, run_rules(case))
    window = _show(qtbot, MainWindow(case, demo=True, autolock_minutes=60))
    yield window
    window.close()


@pytest.fixture
def small_window(qtbot: QtBot, case: Case) -> Iterator[MainWindow]:
    add_one(case, Entity(type="Person", label="Ramona Quillfeather"))
    add_one(case, Entity(type="Person", label="Tobias Wrenfield"))
    add_one(case, Entity(type="Phone", label="+1 312 555 0142"))
    window = _show(qtbot, MainWindow(case, autolock_minutes=60))
    yield window
    window.close()


def entity_id(case: Case, label: str) -> str:
    return str(case.conn.execute("SELECT id FROM entities WHERE label = ?", (label,)).fetchone()[0])


# -- 1. the "Possible duplicates" dock ---------------------------------------------------
def test_the_duplicates_dock_finds_merges_and_ctrl_z_restores(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    window = demo_window
    dock = window.docks["duplicates"]
    assert dock.windowTitle() == "Possible duplicates"
    assert dock in window.tabifiedDockWidgets(window.docks["audit"])
    view = window.views["duplicates"]
    assert dock.widget() is view
    action = window.actions_.by_name["duplicates"]
    assert action.text().replace("&", "") == "Find possible duplicates"
    with qtbot.waitSignal(view.searched, timeout=60_000) as searched:
        action.trigger()
    assert searched.args[0] > 10 and dock.isVisible()

    case = window.case
    people = window.views["sidebar"].counts()["Person"]
    row = next(
        r
        for r, c in enumerate(view.candidates)
        if {c.a_label, c.b_label} == {"Dima", "Dmitri Fakename"}
    )
    pair = view.candidates[row]
    view.select_row(row)
    assert window.selection.ids() == {pair.a_id, pair.b_id}
    view.merge_button.click()
    assert view.keep_dialog is not None
    with qtbot.waitSignal(window.chartLoaded, timeout=60_000):  # the window refreshed
        view.keep_dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    gone = next(i for i in (pair.a_id, pair.b_id) if get_entity(case, i) is None)
    assert window.views["sidebar"].counts()["Person"] == people - 1
    assert window.undo_stack.undoText() == "Merge Dima into Dmitri Fakename"

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    with qtbot.waitSignal(view.caseChanged):
        qtbot.keyClick(view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert get_entity(case, gone) is not None
    assert window.views["sidebar"].counts()["Person"] == people
    assert [e["action"] for e in entries(case.conn)][:2] == [
        "unmerge entities",
        "merge entities",
    ]


# -- 2. jobs are connected before they start -----------------------------------------------
class Probe(QObject):
    """Re-emits a job's result as a signal pytest-qt can wait on."""

    heard = Signal(object)


def test_a_job_that_finishes_at_once_is_still_heard(qtbot: QtBot) -> None:
    heard: list[object] = []
    probe = Probe()
    for n in range(20):  # instant tasks: a start-before-connect race would lose some
        with qtbot.waitSignal(probe.heard, timeout=5_000) as got:
            run_job(lambda _p, _c, n=n: n, done=probe.heard.emit, failed=heard.append)
        heard.append(got.args[0])
    assert heard == list(range(20))


def test_a_refusal_reaches_failed_and_slots_are_required(qtbot: QtBot) -> None:
    said: list[str] = []

    def refuse(_p: object, _c: object) -> None:
        raise CaseError("The case is locked.")

    job = run_job(refuse, done=lambda _r: None, failed=said.append)
    qtbot.waitUntil(lambda: said == ["The case is locked."], timeout=5_000)
    assert job.signals is not None
    with pytest.raises(TypeError):
        run_job(refuse)  # type: ignore[call-arg]


# -- 4. findings: accept, dismiss, undo, hidden when dismissed ------------------------------
def test_findings_are_accepted_and_dismissed_with_undo(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    window, view = demo_window, demo_window.views["findings"]
    case = window.case
    total = len(load_findings(case))
    assert total >= 3 and view.table.rowCount() == total
    first, second = view.findings[0], view.findings[1]

    assert view.select_finding(first.id)
    assert set(first.entities) <= window.selection.ids()
    assert view.decide("accepted") == 1
    assert _state(case, first.id) == "accepted"
    assert view.table.item(0, 3).text() == "Accepted"
    assert window.undo_stack.undoText().startswith("Accept finding")

    assert view.select_finding(second.id)
    view.decide_buttons["dismissed"].click()
    assert _state(case, second.id) == "dismissed"
    assert view.table.rowCount() == total - 1  # hidden...
    assert "1 dismissed, hidden" in view.note.text()
    assert all(f.id != second.id for f in view.findings)
    view.show_dismissed.setChecked(True)  # ...unless asked for, then greyed
    row = next(r for r, f in enumerate(view.findings) if f.id == second.id)
    assert view.table.rowCount() == total
    assert view.table.item(row, 3).text() == "Dismissed"
    grey = view.table.item(row, 1).foreground().color()
    assert grey != view.table.item(0, 1).foreground().color()

    window.undo_stack.undo()
    assert _state(case, second.id) == "open"
    window.undo_stack.undo()
    assert _state(case, first.id) == "open"
    window.undo_stack.redo()
    assert _state(case, first.id) == "accepted"
    states = [e for e in entries(case.conn) if e["action"] == "finding state"]
    assert len(states) == 5 and verify_chain(case.conn).intact  # 2 decisions, 2 undos, 1 redo


def _state(case: Case, finding_id: str) -> str:
    row = case.conn.execute("SELECT state FROM findings WHERE id = ?", (finding_id,)).fetchone()
    return str(row[0])


# -- 5. linking two entities ---------------------------------------------------------------
def test_link_two_entities_from_the_inspector_then_undo_and_redo(
    qtbot: QtBot, small_window: MainWindow
) -> None:
    window = small_window
    case = window.case
    ramona, tobias = entity_id(case, "Ramona Quillfeather"), entity_id(case, "Tobias Wrenfield")
    inspector = window.views["inspector"]
    window.selection.set([ramona], "test")
    assert inspector.link_button.isHidden()
    window.selection.set([ramona, tobias], "test")
    assert not inspector.link_button.isHidden()
    inspector.link_button.click()
    dialog = window.findChild(LinkDialog)
    assert dialog is not None and dialog.isVisible()
    kinds = [dialog.kind.itemText(i) for i in range(dialog.kind.count())]
    assert any("associate of" in k for k in kinds)
    assert not any("same as" in k or "uses" in k for k in kinds)  # not person-to-person
    dialog.kind.setCurrentIndex(next(i for i, k in enumerate(kinds) if "family of" in k))
    dialog.confirmed.setChecked(True)
    with qtbot.waitSignal(window.chartLoaded, timeout=30_000):
        dialog.accept()
    rows = case.conn.execute("SELECT id, type, status, source_id, target_id FROM links").fetchall()
    assert len(rows) == 1
    link_id, kind, status, *ends = rows[0]
    assert (kind, status, set(ends)) == ("family", "confirmed", {ramona, tobias})
    assert window.undo_stack.undoText() == "Link: family of"
    assert entries(case.conn)[0]["action"] == "add link"
    assert window.chart is not None and window.chart.visible_link_count() == 1

    with qtbot.waitSignal(window.chartLoaded, timeout=30_000):
        window.undo_stack.undo()
    assert case.conn.execute("SELECT count(*) FROM links").fetchone()[0] == 0
    assert window.chart.visible_link_count() == 0
    window.undo_stack.redo()
    again = case.conn.execute("SELECT id, status FROM links").fetchall()
    assert again == [(link_id, "confirmed")]  # back under the id it had
    actions = [e["action"] for e in entries(case.conn)][:3]
    assert actions == ["add link", "remove link", "add link"]


def test_link_refuses_what_the_schema_does_not_allow(small_window: MainWindow) -> None:
    window = small_window
    case = window.case
    ramona = entity_id(case, "Ramona Quillfeather")
    phone = str(case.conn.execute("SELECT id FROM entities WHERE type = 'Phone'").fetchone()[0])
    window.selection.set([ramona], "test")
    assert window.link_selected() is None
    assert "exactly two" in window.statusBar().currentMessage()
    with pytest.raises(CaseError, match="no 'family' link"):
        edits_more.add_link(case, "family", ramona, phone)
    edits_more.add_link(case, "uses", ramona, phone)
    choice = next(c for c in edits_more.link_choices(case, ramona, phone) if c.type == "uses")
    assert not window.link(choice, "unconfirmed")
    assert "already linked" in window.statusBar().currentMessage()
    assert window.undo_stack.count() == 0


# -- 6. the window shows before the heavy views are built ----------------------------------
def test_the_window_paints_before_the_chart_and_timeline_exist(
    qtbot: QtBot, case_path: Path
) -> None:
    case = Case.create(case_path, PASSPHRASE)
    window = MainWindow(case, autolock_minutes=60)
    qtbot.addWidget(window)
    assert window.chart is None and "timeline" not in window.views
    assert isinstance(window.centre.currentWidget(), QLabel)
    assert {"search", "sidebar", "inspector", "findings"} <= set(window.views)
    assert "duplicates" not in window.views
    with qtbot.waitSignals([window.viewsBuilt, window.chartLoaded], timeout=30_000):
        window.show()
    assert window.chart is not None and window.centre.currentWidget() is window.chart
    assert window.centralWidget() is window.centre and window.chart.width() > 600
    assert window.docks["timeline"].widget() is window.views["timeline"]
    assert window.docks["heatmap"].widget() is window.views["heatmap"]
    assert window.docks["duplicates"].widget() is window.views["duplicates"]
    window.lock()  # a lock before a late build must not build on a closed case
    assert window.chart is None and case.closed
    window.close()


def test_the_window_waits_for_a_job_holding_the_case(qtbot: QtBot, demo_case_copy: Path) -> None:
    """sqlcipher3 connections are not for two threads at once: while the rules run on the
    pool, the chart and timeline are not built from the same connection."""
    window = MainWindow(Case.open(demo_case_copy, "demo"), demo=True, autolock_minutes=60)
    qtbot.addWidget(window)
    findings = window.views["findings"]
    assert findings.run_rules() is not None
    assert window.context.busy and not findings.run_button.isEnabled()
    built_while_busy: list[bool] = []
    window.viewsBuilt.connect(lambda: built_while_busy.append(findings.busy is not None))
    with qtbot.waitSignals([findings.rulesRun, window.viewsBuilt], timeout=60_000):
        window.show()
    assert built_while_busy == [False]
    assert not window.context.busy and findings.run_button.isEnabled()
    assert findings.table.rowCount() > 0 and window.chart is not None
    window.close()
