"""The mapping editor makes several entities, a link between two of them and an event from
each row of a table; the preview shows all three, the import puts them in the case, and
the spec it saves opens in the editor again unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from analyst_app.store import Case
from widgets.import_dialog import ImportDialog
from widgets.main_window import MainWindow
from widgets.mapping_editor import NO_LINK, MappingEditor

INTAKE = (
    "Reporter,Reporter phone,Received,Business\n"
    "Maren Oakhollow,+1 312 555 0199,2024-03-02 14:10,Silver Lotus Spa\n"
    "Ilse Brackwater,+1 312 555 0142,2024-03-03 09:45,Silver Lotus Spa\n"
    "Dara Fenwright,,2024-03-04 21:30,Golden Nail Salon\n"
)


@pytest.fixture
def intake(tmp_path: Path) -> Path:
    table = tmp_path / "hotline-intake.csv"
    table.write_text(INTAKE, encoding="utf-8")
    return table


def _map_intake(editor: MappingEditor) -> None:
    """Reporter (a person) uses a phone; each row is a tip they reported, dated Received."""
    (reporter,) = editor.panels()
    reporter.name.setText("reporter")
    reporter.set_property("Reporter", "name")
    reporter.label_column.setCurrentText("Reporter")
    phone = editor.add_entity("Phone")
    phone.set_property("Reporter phone", "number")
    editor.link_from.setCurrentText("reporter")
    editor.link_to.setCurrentText("phone")
    editor.link_type.setCurrentIndex(editor.link_type.findData("uses"))
    editor.event_type.setCurrentIndex(editor.event_type.findData("Tip"))
    editor.event_date.setCurrentText("Received")
    editor.set_role("reporter", "reporter")
    editor.name.setText("hotline intake")


def _made(editor: MappingEditor) -> list[list[str]]:
    table = editor.made
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def test_a_row_makes_two_entities_a_link_and_an_event(
    qtbot: QtBot, window: MainWindow, intake: Path
) -> None:
    dialog = window.open_import([intake])
    editor = dialog.edit_mapping(0, run=False)
    qtbot.addWidget(editor)
    _map_intake(editor)
    assert editor.spec == {
        "name": "hotline intake",
        "entities": {
            "reporter": {
                "type": "Person",
                "properties": {"name": "{Reporter}"},
                "label": "{Reporter}",
            },
            "phone": {"type": "Phone", "properties": {"number": "{Reporter phone}"}},
        },
        "links": [{"type": "uses", "source": "reporter", "target": "phone"}],
        "event": {
            "type": "Tip",
            "start": "{Received}",
            "participants": {"reporter": "reporter"},
        },
    }
    # The preview: the first row's person, phone, link and dated tip; the third row has
    # no phone, so neither the phone nor the link, but still the person and the tip.
    made = _made(editor)
    first = [r for r in made if r[0] == made[0][0]]
    assert [(r[1], r[2]) for r in first] == [
        ("entity", "Person"),
        ("entity", "Phone"),
        ("link", "uses"),
        ("event", "Tip"),
    ]
    assert first[2][3] == "Maren Oakhollow → +1 312 555 0199"
    assert first[3][3].startswith("2024-03-02T14:10") and first[3][4] == "reporter: Maren Oakhollow"
    last = [r[1] for r in made if r[0] == made[-1][0]]
    assert last == ["entity", "event"]

    dialog.use_mapping(0, editor.spec, editor.spec_name)
    with qtbot.waitSignal(dialog.finishedImport, timeout=60_000) as finished:
        dialog.import_button.click()
    outcome = finished.args[0]
    assert not outcome.error, outcome.error
    assert outcome.summaries[0].imported_rows == 3
    assert outcome.summaries[0].quarantined_rows == 0
    conn = window.case.conn
    counts = dict(conn.execute("SELECT type, count(*) FROM entities GROUP BY type"))
    assert counts == {"Person": 3, "Phone": 2}
    linked = conn.execute(
        "SELECT p.label, f.label FROM links l JOIN entities p ON p.id = l.source_id"
        " JOIN entities f ON f.id = l.target_id WHERE l.type = 'uses' ORDER BY p.label"
    ).fetchall()
    assert [who for who, _phone in linked] == ["Ilse Brackwater", "Maren Oakhollow"]
    assert all("555" in phone for _who, phone in linked)
    tips = conn.execute(
        "SELECT e.start_utc, p.label FROM events e JOIN event_entities x ON x.event_id = e.id"
        " JOIN entities p ON p.id = x.entity_id WHERE e.type = 'Tip' AND x.role = 'reporter'"
        " ORDER BY e.start_utc"
    ).fetchall()
    assert [who for _when, who in tips] == ["Maren Oakhollow", "Ilse Brackwater", "Dara Fenwright"]
    assert tips[0][0].startswith("2024-03-02T14:10")
    assert window.views["sidebar"].counts() == {"Person": 3, "Phone": 2}

    # The spec saved with the import opens in the editor again, unchanged.
    saved = dialog.saved_specs()
    assert saved["hotline intake"] == editor.spec
    again = MappingEditor(window.case.schema, intake, saved=saved)
    qtbot.addWidget(again)
    assert again.spec["name"] == "hotline-intake"  # a new mapping until one is chosen
    again.start_from.setCurrentIndex(again.start_from.findData("hotline intake"))
    again.start_from.activated.emit(again.start_from.currentIndex())
    assert again.spec == editor.spec
    assert _made(again) == made


def test_the_dialog_reopens_its_own_mapping(qtbot: QtBot, case: Case, intake: Path) -> None:
    dialog = ImportDialog(case, [intake])
    qtbot.addWidget(dialog)
    first = dialog.edit_mapping(0, run=False)
    qtbot.addWidget(first)
    _map_intake(first)
    dialog.use_mapping(0, first.spec, first.spec_name)
    second = dialog.edit_mapping(0, run=False)
    qtbot.addWidget(second)
    assert second.spec == first.spec and second.note.text() == ""
    assert [p.name.text() for p in second.panels()] == ["reporter", "phone"]


def test_link_types_follow_the_two_entities(qtbot: QtBot, case: Case, intake: Path) -> None:
    editor = MappingEditor(case.schema, intake)
    qtbot.addWidget(editor)
    editor.add_entity("Phone")
    editor.add_entity("Organization", "business")
    editor.link_from.setCurrentText("person")
    editor.link_to.setCurrentText("phone")
    offered = {editor.link_type.itemData(i) for i in range(1, editor.link_type.count())}
    assert "uses" in offered and "works_at" not in offered and "same_as" not in offered
    editor.link_to.setCurrentText("business")
    offered = {editor.link_type.itemData(i) for i in range(1, editor.link_type.count())}
    assert "works_at" in offered and "uses" not in offered
    editor.link_type.setCurrentIndex(editor.link_type.findData("works_at"))
    editor.link_from.setCurrentText("phone")  # a phone is only ever mentioned with one
    offered = {editor.link_type.itemData(i) for i in range(1, editor.link_type.count())}
    assert offered == {"mentioned_in"} and editor.link_type.currentText() == NO_LINK
    # Changing an end's type changes what fits: nothing links a phone to a subscriber.
    business = editor.panel("business")
    business.type.setCurrentIndex(business.type.findData("Subscriber"))
    assert editor.link_type.count() == 1 and editor.link_type.currentText() == NO_LINK
    assert "links" not in editor.spec


def test_entities_need_names_of_their_own(qtbot: QtBot, case: Case, intake: Path) -> None:
    editor = MappingEditor(case.schema, intake)
    qtbot.addWidget(editor)
    second = editor.add_entity("Person")
    assert second.name.text() == "person2"
    second.name.setText("person")
    assert _made(editor) == [["", "", "", "Give each entity its own name.", ""]]
    editor.remove_entity(1)
    assert len(editor.panels()) == 1 and not editor.remove_button.isEnabled()
    assert _made(editor)[0][3].startswith("Nothing yet: map a column")
    editor.panels()[0].set_property("Reporter", "name")
    assert [r[3] for r in _made(editor)][:2] == ["Maren Oakhollow", "Ilse Brackwater"]
    assert _made(editor)[0][4] == "name=Maren Oakhollow"


def test_a_richer_spec_is_left_to_yaml(qtbot: QtBot, case: Case, intake: Path) -> None:
    editor = MappingEditor(case.schema, intake)
    qtbot.addWidget(editor)
    _map_intake(editor)
    before = editor.spec
    richer = {
        "name": "cdr",
        "entities": {"a": {"type": "Phone", "key": "phone:{a}", "properties": {"number": "{a}"}}},
    }
    assert not editor.set_spec(richer)
    assert "key" in editor.note.text() and "edit it as YAML" in editor.note.text()
    mapped = dict(before, event={"type": {"from": "Received", "map": {"x": "Tip"}}})
    assert not editor.set_spec(mapped)
    assert editor.spec == before  # refused before anything changed


def test_a_file_that_is_no_table_cannot_be_mapped(qtbot: QtBot, case: Case, tmp_path: Path) -> None:
    odd = tmp_path / "photo.csv"
    odd.write_bytes(b"\x00\x01\x02 not a table")
    dialog = ImportDialog(case, [odd])
    qtbot.addWidget(dialog)
    assert dialog.edit_mapping(0, run=False) is None
    assert dialog.status.text() == "photo.csv cannot be mapped: it is a binary file, not text."
    assert dialog.mapped is None
