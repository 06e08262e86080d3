"""Brief and export from their dialogs: options, progress, the result on disk, audited."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from analyst_app.store import Case
from analyst_app.store.audit import entries
from widgets.main_window import MainWindow
from widgets.output_dialogs import BriefDialog, ExportDialog


@pytest.fixture
def window(qtbot: QtBot, demo_case_copy: Path) -> Iterator[MainWindow]:
    shown = MainWindow(Case.open(demo_case_copy, "demo"), demo=True, autolock_minutes=60)
    qtbot.addWidget(shown)
    shown.show()
    yield shown
    shown.close()


@pytest.mark.slow
def test_brief_from_the_dialog_writes_a_redacted_pdf(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    window.actions_.by_name["brief"].trigger()
    dialog = next(c for c in window.children() if isinstance(c, BriefDialog))
    assert dialog.redact.isChecked() and dialog.isVisible()
    out = tmp_path / "brief.pdf"
    dialog.path.setText(str(out))
    seen: list[int] = []
    dialog.progress.valueChanged.connect(seen.append)
    with qtbot.waitSignal(dialog.finishedOutput, timeout=180_000) as finished:
        dialog.run_button.click()
    result = finished.args[0]
    assert result is not None and result.redacted and result.pages > 1
    assert out.read_bytes()[:5] == b"%PDF-"
    assert len(PdfReader(str(out)).pages) == result.pages
    assert seen and seen[-1] == 1000 and dialog.open_button.isEnabled()
    assert "pages (redacted)" in dialog.status.text()
    assert entries(window.case.conn)[0]["action"] == "brief"
    assert window.views["audit"].action_names()[0] == "brief"


def test_export_of_the_selection_from_the_dialog(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    people = window.case.conn.execute(
        "SELECT id FROM entities WHERE type = 'Person' ORDER BY id LIMIT 3"
    ).fetchall()
    window.selection.set([p[0] for p in people], "test")
    window.actions_.by_name["export"].trigger()
    dialog = next(c for c in window.children() if isinstance(c, ExportDialog))
    dialog.format.setCurrentIndex(dialog.format.findData("csv"))
    assert dialog.path.text().endswith(".zip")
    out = tmp_path / "people.zip"
    dialog.path.setText(str(out))
    dialog.only_selected.setChecked(True)
    with qtbot.waitSignal(dialog.finishedOutput, timeout=60_000) as finished:
        dialog.run_button.click()
    result = finished.args[0]
    assert result is not None and result.written["entities"] >= 3
    with zipfile.ZipFile(out) as archive:
        assert "entities.csv" in archive.namelist()
    assert "Exported" in dialog.status.text()


def test_a_bad_export_path_is_said_in_the_dialog(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    dialog = ExportDialog(window.case, frozenset(), window)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(tmp_path / "no-such-folder" / "x.graphml"))
    dialog.format.setCurrentIndex(dialog.format.findData("graphml"))
    dialog.path.setText(str(tmp_path / "no-such-folder" / "x.graphml"))
    with qtbot.waitSignal(dialog.finishedOutput, timeout=60_000) as finished:
        dialog.start()
    assert finished.args[0] is None
    assert "does not exist" in dialog.status.text() and dialog.run_button.isEnabled()


def test_red_flag_rules_from_the_findings_dock_select_their_entities(
    qtbot: QtBot, window: MainWindow
) -> None:
    findings = window.views["findings"]
    with qtbot.waitSignal(findings.rulesRun, timeout=120_000) as ran:
        assert findings.run_rules() is not None
    assert ran.args[0] > 0 and findings.table.rowCount() == ran.args[0]
    assert "findings" in findings.note.text()
    sidebar = window.views["sidebar"]
    section = next(t for t in sidebar.tops() if t.text(0) == "Findings")
    assert section.childCount() > 0
    findings.table.clearSelection()  # (closing the busy dialog may focus the table)
    window.selection.clear("test")
    findings.table.clearSelection()
    window.selection.clear("test")
    with qtbot.waitSignal(window.selection.changed) as changed:
        assert findings.select_finding(findings.findings[0].id)
    assert changed.args[0] == frozenset(findings.findings[0].entities)
    assert findings.evidence.count() == len(findings.findings[0].evidence)
    assert window.case.conn.execute("SELECT count(*) FROM findings").fetchone()[0] == ran.args[0]
