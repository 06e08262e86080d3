"""Create a case: where it lives, its passphrase, and the settings every view relies on.

Time zone and phone region shape how imports read times and numbers, and the handling
marking and Bates prefix appear on every page of the brief, so they are asked up front.
Creating runs on the thread pool (key derivation); problems are said in the dialog.
"""

from __future__ import annotations

import zoneinfo
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from analyst_app.schema.grading import DEFAULT_SCHEME, grading_schemes
from analyst_app.store import Case
from analyst_app.store.case import DEFAULT_SETTINGS
from widgets import settings
from widgets.error_label import ErrorLabel
from widgets.unlock import CASE_FILTER
from widgets.workers import run_job

MARKINGS = (
    "LAW ENFORCEMENT SENSITIVE",
    "OFFICIAL-SENSITIVE",
    "CONFIDENTIAL",
    "FOR OFFICIAL USE ONLY",
    "UNCLASSIFIED",
)


class NewCaseDialog(QDialog):
    """After `accepted`, `case` is the new, open case."""

    failed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Threadline: new case")
        self.case: Case | None = None
        self.path = QLineEdit()
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.title = QLineEdit()
        self.number = QLineEdit()
        self.agency = QLineEdit()
        self.time_zone = QComboBox()
        self.time_zone.setEditable(True)
        self.time_zone.addItems(sorted(zoneinfo.available_timezones()))
        self.time_zone.setCurrentText(DEFAULT_SETTINGS["time_zone"])
        self.region = QLineEdit(DEFAULT_SETTINGS["phone_region"])
        self.region.setMaxLength(2)
        self.region.setToolTip("Two-letter country code used to read local phone numbers")
        self.marking = QComboBox()
        self.marking.setEditable(True)
        self.marking.addItems(MARKINGS)
        self.grading = QComboBox()
        for name, scheme in sorted(grading_schemes().items()):
            self.grading.addItem(scheme.label, name)
        self.grading.setCurrentIndex(max(0, self.grading.findData(DEFAULT_SCHEME)))
        self.bates = QLineEdit(DEFAULT_SETTINGS["bates_prefix"])
        self.error = ErrorLabel()

        form = QFormLayout()
        form.addRow("Case file", path_row)
        form.addRow("Passphrase", self.passphrase)
        form.addRow("Repeat passphrase", self.repeat)
        form.addRow("Title", self.title)
        form.addRow("Case number", self.number)
        form.addRow("Agency", self.agency)
        form.addRow("Time zone", self.time_zone)
        form.addRow("Default phone region", self.region)
        form.addRow("Handling marking", self.marking)
        form.addRow("Grading scheme", self.grading)
        form.addRow("Bates prefix", self.bates)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Create case")
        buttons.accepted.connect(self.try_create)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(560, 0)

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, "New case file", "", CASE_FILTER)
        if chosen:
            self.path.setText(chosen if chosen.endswith(".case") else chosen + ".case")

    def chosen_settings(self) -> dict[str, Any]:
        return {
            "title": self.title.text().strip(),
            "case_number": self.number.text().strip(),
            "agency": self.agency.text().strip(),
            "time_zone": self.time_zone.currentText().strip(),
            "phone_region": self.region.text().strip().upper(),
            "handling_marking": self.marking.currentText().strip(),
            "grading_scheme": str(self.grading.currentData()),
            "bates_prefix": self.bates.text().strip(),
        }

    def _problem(self, chosen: dict[str, Any]) -> str:
        if not self.path.text().strip():
            return "Choose where the case file goes."
        if not self.passphrase.text():
            return "Choose a passphrase; the case is encrypted with it."
        if self.passphrase.text() != self.repeat.text():
            return "The two passphrases differ."
        if chosen["time_zone"] not in zoneinfo.available_timezones():
            return f"{chosen['time_zone']!r} is not a time zone name (e.g. America/Chicago)."
        if len(chosen["phone_region"]) != 2 or not chosen["phone_region"].isalpha():
            return "The phone region is a two-letter country code, e.g. US or GB."
        return ""

    def _say(self, sentence: str) -> None:
        self.error.say(sentence)
        if sentence:
            self.failed.emit(sentence)

    def try_create(self) -> None:
        chosen = self._problem_free_settings()
        if chosen is None:
            return
        path = Path(self.path.text().strip()).expanduser()
        passphrase = self.passphrase.text()
        self.setEnabled(False)

        def task(_progress: object, _cancelled: object) -> Case:
            return Case.create(path, passphrase, chosen)

        run_job(task, done=self._created, failed=self._failed)

    def _problem_free_settings(self) -> dict[str, Any] | None:
        chosen = self.chosen_settings()
        problem = self._problem(chosen)
        self._say(problem)
        return None if problem else chosen

    def _failed(self, sentence: str) -> None:
        self.setEnabled(True)
        self._say(sentence)

    def _created(self, case: Case) -> None:
        self.setEnabled(True)
        settings.add_recent(case.path)
        self.case = case
        self.accept()
