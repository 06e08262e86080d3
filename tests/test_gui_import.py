"""Importing through the dialog: sniffed formats, progress, the summary, quarantine, and a
cancel that leaves the case exactly as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from analyst_app.store.queries import stats
from widgets.audit_view import QuarantineDialog
from widgets.import_dialog import ImportDialog, Outcome
from widgets.main_window import MainWindow


@pytest.fixture
def raw(demo_case_file: Path) -> Path:
    return demo_case_file.with_name(demo_case_file.name + "-raw")


def test_a_csv_imported_through_the_dialog_shows_in_the_sidebar(
    qtbot: QtBot, window: MainWindow, raw: Path
) -> None:
    assert window.views["sidebar"].counts() == {}
    with qtbot.waitSignal(window.chartLoaded, timeout=30_000):
        pass  # the empty case's chart
    assert window.chart is not None and window.chart.visible_entity_count() == 0
    assert window.statusBar().currentMessage() == "Chart: 0 entities, 0 links."
    dialog = window.open_import([raw / "tips.csv", raw / "cdr.csv"])
    assert [fmt for _path, fmt in dialog.chosen()] == ["tips", "cdr"]  # sniffed
    progress: list[int] = []
    dialog.progress.valueChanged.connect(progress.append)
    timeline = window.views["timeline"]  # it reloads off the GUI thread: wait for it too
    with qtbot.waitSignals(
        [dialog.finishedImport, window.chartLoaded, timeline.loaded], timeout=120_000
    ):
        dialog.import_button.click()
    outcome = dialog.outcome
    assert outcome is not None
    assert not outcome.error and [s.format for s in outcome.summaries] == ["tips", "cdr"]
    assert progress and progress[-1] == 1000 and progress == sorted(progress)
    counts = window.views["sidebar"].counts()
    in_case = stats(window.case)["entities"]
    assert counts == in_case and counts["Person"] > 0 and counts["Phone"] > 0
    assert dialog.summary.rowCount() == 2 and dialog.cancel_button.text() == "Close"
    assert window.views["audit"].action_names().count("import") == 2
    assert window.chart.visible_entity_count() > 0  # the chart was read again
    assert timeline.events.lanes  # and the timeline has lanes now


def test_the_format_can_be_changed_and_an_unknown_file_asks_for_one(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    odd = tmp_path / "notes.bin"
    odd.write_bytes(b"\x00\x01\x02 not a table")
    dialog = ImportDialog(window.case, [odd], window)
    qtbot.addWidget(dialog)
    assert dialog.chosen()[0][1] == ""
    assert dialog.start_import() is None
    assert "Choose a format for notes.bin" in dialog.status.text()
    dialog.set_format(0, "tips")
    assert dialog.chosen()[0][1] == "tips"


def test_quarantined_rows_are_viewable(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, raw: Path
) -> None:
    lines = (raw / "tips.csv").read_text(encoding="utf-8").splitlines()
    broken = tmp_path / "tips-broken.csv"
    # A row with no tip_id cannot be read: it goes to quarantine, the rest is imported.
    broken.write_text("\n".join([lines[0], "," + lines[1].split(",", 1)[1], *lines[2:6]]) + "\n")
    dialog = ImportDialog(window.case, [broken], window)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.finishedImport, timeout=60_000) as finished:
        dialog.start_import()
    summary = finished.args[0].summaries[0]
    assert summary.quarantined_rows == 1 and summary.imported_rows >= 4
    assert "1 rows were quarantined" in dialog.status.text()
    shown = QuarantineDialog(window.case, summary.source_id, dialog)
    qtbot.addWidget(shown)
    assert shown.table.rowCount() == 1
    assert "tip_id" in shown.table.item(0, 1).text()


def test_cancelling_an_import_leaves_the_case_as_it_was(
    qtbot: QtBot, window: MainWindow, raw: Path, tmp_path: Path
) -> None:
    before = stats(window.case)
    audit_before = window.case.conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    # Several batches (5,000 rows each), so the cancel lands while rows are still being read.
    calls = tmp_path / "many-calls.csv"
    lines = (raw / "cdr.csv").read_text(encoding="utf-8").splitlines()
    with calls.open("w", encoding="utf-8") as out:
        out.write(lines[0] + "\n")
        for copy in range(8):
            for line in lines[1:]:
                out.write(f"c{copy}-{line}\n")  # record ids stay unique
    dialog = ImportDialog(window.case, [calls], window)
    qtbot.addWidget(dialog)
    # Cancel as soon as the import reports progress, i.e. while rows are being written.
    dialog.progress.valueChanged.connect(lambda _v: dialog.cancel_button.click())
    with qtbot.waitSignal(dialog.finishedImport, timeout=60_000) as finished:
        assert dialog.start_import() is not None
    outcome: Outcome = finished.args[0]
    assert outcome.summaries == [] and "cancelled" in outcome.error
    assert "the case is as it was" in dialog.status.text()
    assert stats(window.case) == before
    assert window.case.conn.execute("SELECT count(*) FROM audit").fetchone()[0] == audit_before
    assert window.views["sidebar"].counts() == {}


def test_a_table_through_the_mapping_editor_with_a_preview(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    table = tmp_path / "shelter-intake.csv"
    table.write_text(
        "Full name,Date of birth,Nationality,Phone\n"
        "Maren Oakhollow,1999-04-02,MD,+1 312 555 0199\n"
        "Ilse Brackwater,not a date,RO,\n"
        "Dara Fenwright,2001-11-30,UA,+1 312 555 0142\n",
        encoding="utf-8",
    )
    dialog = window.open_import([table])
    assert dialog.chosen()[0][1] in ("", "csv")
    editor = dialog.edit_mapping(0, run=False)
    qtbot.addWidget(editor)
    assert editor.columns == ["Full name", "Date of birth", "Nationality", "Phone"]
    assert editor.raw.rowCount() == 3
    (person,) = editor.panels()
    person.type.setCurrentIndex(person.type.findData("Person"))
    assert editor.spec["entities"]["person"]["properties"]["birth_date"] == "{Date of birth}"
    assert editor.spec["entities"]["person"]["properties"]["nationality"] == "{Nationality}"
    person.set_property("Full name", "name")
    person.label_column.setCurrentText("Full name")
    shown = {editor.made.item(r, 3).text() for r in range(editor.made.rowCount())}
    assert {"Maren Oakhollow", "Dara Fenwright"} <= shown
    dialog.use_mapping(0, editor.spec, "shelter intake")
    with qtbot.waitSignal(dialog.finishedImport, timeout=60_000) as finished:
        dialog.import_button.click()
    outcome = finished.args[0]
    assert not outcome.error, outcome.error
    summary = outcome.summaries[0]
    assert (summary.format, summary.rows, summary.imported_rows) == ("csv", 3, 2)
    assert window.views["sidebar"].counts()["Person"] == 2
    saved = window.case.conn.execute("SELECT name FROM import_specs").fetchall()
    assert saved == [("shelter intake",)]
