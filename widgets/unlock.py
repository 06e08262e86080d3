"""The first thing an analyst sees: pick a case, type its passphrase, open it.

Opening derives the key (~100 ms, more on slow machines), so it runs on the thread
pool and the dialog stays responsive. A wrong passphrase is said in the dialog, which
stays open with the passphrase selected for retyping. The recent list holds paths only.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from analyst_app import keys
from analyst_app.store import Case
from analyst_app.store.errors import CaseError
from widgets import settings
from widgets.error_label import ErrorLabel
from widgets.workers import run_job

CASE_FILTER = "Threadline cases (*.case);;All files (*)"


class UnlockDialog(QDialog):
    """Choose and unlock a case. After `accepted`, `case` is the open case."""

    failed = Signal(str)
    opened = Signal(object)
    newCaseRequested = Signal()
    demoRequested = Signal()

    def __init__(self, parent: QWidget | None = None, *, path: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Threadline: open a case")
        self.case: Case | None = None
        self.choice = "open"  # or "new", "demo"
        self.recent = QListWidget()
        self.recent.setAlternatingRowColors(True)
        for item_path in settings.recent_cases():
            item = QListWidgetItem(f"{item_path.name}    {item_path.parent}")
            item.setData(Qt.ItemDataRole.UserRole, str(item_path))
            item.setToolTip(str(item_path))
            self.recent.addItem(item)
        self.recent.currentItemChanged.connect(self._recent_chosen)

        self.path = QLineEdit()
        self.path.setPlaceholderText("case file")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.recent.itemDoubleClicked.connect(lambda _item: self.passphrase.setFocus())
        self.remember = QCheckBox("Remember on this workstation (OS keyring, this case only)")
        self.error = ErrorLabel()

        form = QFormLayout()
        form.addRow("Case file", path_row)
        form.addRow("Passphrase", self.passphrase)
        form.addRow("", self.remember)

        buttons = QDialogButtonBox()
        self.open_button = buttons.addButton("Open", QDialogButtonBox.ButtonRole.AcceptRole)
        self.open_button.setDefault(True)
        new = buttons.addButton("New case…", QDialogButtonBox.ButtonRole.ActionRole)
        demo = buttons.addButton("Open demo case", QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.try_open)
        buttons.rejected.connect(self.reject)
        new.clicked.connect(lambda: self._leave("new"))
        demo.clicked.connect(lambda: self._leave("demo"))

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>Recent cases</b>"))
        layout.addWidget(self.recent, 1)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(620, 420)
        if path is not None:
            self.path.setText(str(path))
        elif self.recent.count():
            self.recent.setCurrentRow(0)
        self.passphrase.setFocus()

    def _leave(self, choice: str) -> None:
        self.choice = choice
        self.done(QDialog.DialogCode.Rejected)

    def _recent_chosen(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        self.path.setText(str(item.data(Qt.ItemDataRole.UserRole)))
        remembered = keys.recall(Path(self.path.text()))
        self.passphrase.setText(remembered or "")
        self.remember.setChecked(bool(remembered))

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "Open a case", "", CASE_FILTER)
        if chosen:
            self.path.setText(chosen)
            self.passphrase.setFocus()

    def _say(self, sentence: str) -> None:
        self.error.say(sentence)

    def try_open(self) -> None:
        """Unlock off the GUI thread; `opened` or `failed` follows."""
        path_text, passphrase = self.path.text().strip(), self.passphrase.text()
        if not path_text:
            self._say("Choose a case file first.")
            return
        if not passphrase:
            self._say("Type the case's passphrase.")
            return
        path, remember = Path(path_text).expanduser(), self.remember.isChecked()
        self._say("")
        self.setEnabled(False)
        self.open_button.setText("Unlocking…")

        def task(_progress: object, _cancelled: object) -> Case:
            return Case.open(path, passphrase)

        run_job(
            task, done=lambda case: self._opened(case, passphrase, remember), failed=self._failed
        )

    def _failed(self, sentence: str) -> None:
        self.setEnabled(True)
        self.open_button.setText("Open")
        self._say(sentence)
        self.passphrase.setFocus()
        self.passphrase.selectAll()
        self.failed.emit(sentence)

    def _opened(self, case: Case, passphrase: str, remember: bool) -> None:
        self.setEnabled(True)
        self.open_button.setText("Open")
        try:
            if remember:
                keys.remember(case.path, case.case_id, passphrase)
            else:
                keys.forget(case.path)
        except CaseError as exc:  # no keyring: open anyway, and say why it was not kept
            self.failed.emit(str(exc))
        settings.add_recent(case.path)
        self.case = case
        self.opened.emit(case)
        self.accept()
