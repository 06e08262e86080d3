"""The start of the app: unlock dialog, recent cases, remembering, the new-case dialog."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from analyst_app import keys
from analyst_app.store import Case
from tests.conftest import PASSPHRASE
from widgets import settings
from widgets.new_case import NewCaseDialog
from widgets.unlock import UnlockDialog


@pytest.fixture
def closed_case(case_path: Path) -> Path:
    Case.create(case_path, PASSPHRASE, {"case_number": "24-UNLOCK-1"}).close()
    return case_path


def test_wrong_passphrase_is_said_and_the_dialog_stays_then_the_right_one_opens(
    qtbot: QtBot, closed_case: Path
) -> None:
    dialog = UnlockDialog(path=closed_case)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.passphrase.setText("not the passphrase")
    with qtbot.waitSignal(dialog.failed, timeout=10_000) as failed:
        dialog.try_open()
    assert "passphrase" in failed.args[0].lower()
    assert dialog.isVisible() and dialog.error.isVisible()
    assert dialog.error.text() == failed.args[0]
    assert dialog.case is None and dialog.isEnabled()
    assert dialog.passphrase.selectedText() == "not the passphrase"  # ready to retype

    dialog.passphrase.setText(PASSPHRASE)
    with qtbot.waitSignal(dialog.opened, timeout=10_000) as opened:
        dialog.try_open()
    case = opened.args[0]
    try:
        assert dialog.result() == QDialog.DialogCode.Accepted
        assert dialog.case is case and case.settings["case_number"] == "24-UNLOCK-1"
        assert settings.recent_cases()[0] == closed_case.absolute()
        assert keys.recall(closed_case) is None  # not asked to remember
    finally:
        case.close()


def test_recent_cases_hold_paths_only_and_fill_the_dialog(qtbot: QtBot, closed_case: Path) -> None:
    settings.add_recent(closed_case)
    text = settings.settings_path().read_text(encoding="utf-8")
    assert str(closed_case.absolute()) in text and "24-UNLOCK-1" not in text
    dialog = UnlockDialog()
    qtbot.addWidget(dialog)
    assert dialog.recent.count() == 1
    assert dialog.path.text() == str(closed_case.absolute())


def test_remember_on_this_workstation_uses_the_keyring_for_that_case_only(
    qtbot: QtBot, closed_case: Path, tmp_path: Path
) -> None:
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    previous = keyring.get_keyring()
    keyring.set_keyring(PlaintextKeyring())
    try:
        other = tmp_path / "other.case"
        Case.create(other, "other passphrase").close()
        dialog = UnlockDialog(path=closed_case)
        qtbot.addWidget(dialog)
        dialog.passphrase.setText(PASSPHRASE)
        dialog.remember.setChecked(True)
        with qtbot.waitSignal(dialog.opened, timeout=10_000) as opened:
            dialog.try_open()
        opened.args[0].close()
        assert keys.recall(closed_case) == PASSPHRASE
        assert keys.recall(other) is None

        again = UnlockDialog()  # picking the recent case fills the remembered passphrase
        qtbot.addWidget(again)
        assert again.path.text() == str(closed_case.absolute())
        assert again.passphrase.text() == PASSPHRASE and again.remember.isChecked()
    finally:
        keys.forget(closed_case)
        keyring.set_keyring(previous)


def test_new_case_dialog_creates_a_case_with_the_chosen_settings(
    qtbot: QtBot, tmp_path: Path
) -> None:
    dialog = NewCaseDialog()
    qtbot.addWidget(dialog)
    target = tmp_path / "new.case"
    dialog.path.setText(str(target))
    dialog.passphrase.setText("s3cret phrase")
    dialog.repeat.setText("different")
    with qtbot.waitSignal(dialog.failed) as failed:
        dialog.try_create()
    assert failed.args[0] == "The two passphrases differ." and not target.exists()

    dialog.repeat.setText("s3cret phrase")
    dialog.title.setText("Operation Harbour")
    dialog.number.setText("25-HT-0042")
    dialog.agency.setText("County Task Force")
    dialog.time_zone.setCurrentText("Europe/London")
    dialog.region.setText("gb")
    dialog.marking.setCurrentText("OFFICIAL-SENSITIVE")
    dialog.grading.setCurrentIndex(dialog.grading.findData("uk_3x5x2"))
    dialog.bates.setText("HARB")
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        dialog.try_create()
    assert dialog.case is not None
    dialog.case.close()
    with Case.open(target, "s3cret phrase") as reopened:
        chosen = reopened.settings
    assert chosen["title"] == "Operation Harbour"
    assert chosen["case_number"] == "25-HT-0042"
    assert chosen["agency"] == "County Task Force"
    assert chosen["time_zone"] == "Europe/London"
    assert chosen["phone_region"] == "GB"
    assert chosen["handling_marking"] == "OFFICIAL-SENSITIVE"
    assert chosen["grading_scheme"] == "uk_3x5x2"
    assert chosen["bates_prefix"] == "HARB"
    assert settings.recent_cases()[0] == target.absolute()


def test_new_case_dialog_refuses_a_bad_time_zone(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = NewCaseDialog()
    qtbot.addWidget(dialog)
    dialog.path.setText(str(tmp_path / "x.case"))
    dialog.passphrase.setText("p")
    dialog.repeat.setText("p")
    dialog.time_zone.setCurrentText("Mars/Olympus")
    with qtbot.waitSignal(dialog.failed) as failed:
        dialog.try_create()
    assert "time zone" in failed.args[0] and not (tmp_path / "x.case").exists()
