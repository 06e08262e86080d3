"""The findings dock: red-flag findings with severity and state; a click selects their
entities in every view, and the evidence rows show under the list.

The analyst decides each finding: Accept, Dismiss or Reopen are undoable commands
(`SetFindingState`, audited by the core), so a dismissal made by mistake is one Ctrl+Z
away. Dismissed findings are hidden unless "Show dismissed" is ticked, and then greyed:
they stay in the case (a reviewer can see what was set aside) without crowding the list.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QFont, QPalette, QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressDialog,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from analyst_app.store import edits_more
from analyst_app.store.case import Case
from analyst_app.store.errors import CaseError
from widgets.commands import CaseContext, SetFindingState
from widgets.selection import SelectionModel
from widgets.sidebar import SEVERITY_ORDER
from widgets.workers import Job, run_job

STATE_TEXT = {"open": "Open", "accepted": "Accepted", "dismissed": "Dismissed"}
VERBS = {"accepted": "Accept", "dismissed": "Dismiss", "open": "Reopen"}


class FindingsView(QWidget):
    rulesRun = Signal(int)  # number of findings after a run
    problem = Signal(str)  # the case refused a decision, in one sentence

    def __init__(
        self,
        case: Case | CaseContext,
        selection: SelectionModel,
        undo_stack: QUndoStack | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = case if isinstance(case, CaseContext) else CaseContext(case, self)
        self.selection, self.undo_stack = selection, undo_stack or QUndoStack(self)
        self.context.findingsChanged.connect(self.refresh)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Severity", "Finding", "Entities", "State"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.itemSelectionChanged.connect(self._picked)
        self.evidence = QListWidget()
        self.note = QLabel()
        self.run_button = QPushButton("Run red-flag rules")
        self.run_button.setToolTip(
            "Check transactions, ads, tips and calls against DOMAIN.md's rules"
        )
        self.run_button.clicked.connect(self.run_rules)
        self.show_dismissed = QCheckBox("Show dismissed")
        self.show_dismissed.setToolTip("List the findings set aside too, greyed")
        self.show_dismissed.toggled.connect(lambda _on: self.refresh())
        self.decide_buttons: dict[str, QPushButton] = {}
        decide = QHBoxLayout()
        for state, tip in (
            ("accepted", "The finding stands: it goes into the brief as found"),
            ("dismissed", "Set the finding aside (kept in the case; Ctrl+Z undoes it)"),
            ("open", "Undecide: back to an open finding"),
        ):
            button = QPushButton(VERBS[state])
            button.setToolTip(tip)
            button.clicked.connect(lambda _c=False, state=state: self.decide(state))
            decide.addWidget(button)
            self.decide_buttons[state] = button
        decide.addStretch(1)
        decide.addWidget(self.show_dismissed)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.evidence)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.note, 1)
        top.addWidget(self.run_button)
        layout.addLayout(top)
        layout.addLayout(decide)
        layout.addWidget(splitter, 1)
        self.findings: list[edits_more.FindingRow] = []
        self.busy: QProgressDialog | None = None
        self.refresh()

    @property
    def case(self) -> Case:
        return self.context.case

    def detach(self) -> None:
        """The case is closing: stop following decisions (the context outlives this view)."""
        self.context.findingsChanged.disconnect(self.refresh)

    def refresh(self) -> None:
        chosen = {f.id for f in self.selected_findings()}
        found = edits_more.finding_rows(self.case)
        every = sorted(found, key=lambda f: (SEVERITY_ORDER.get(f.severity, 3), f.title))
        shown_all = self.show_dismissed.isChecked()
        self.findings = [f for f in every if shown_all or f.state != "dismissed"]
        hidden = len(every) - len(self.findings)
        self.note.setText(
            "No findings yet: run the red-flag rules."
            if not every
            else f"{len(self.findings)} findings"
            + (f" ({hidden} dismissed, hidden)" if hidden else "")
            + "; select one to select its entities."
        )
        grey = self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.findings))
        for row, finding in enumerate(self.findings):
            cells = [
                finding.severity,
                finding.title,
                str(len(finding.entities)),
                STATE_TEXT.get(finding.state, finding.state),
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(finding.explanation)
                if finding.state == "dismissed":
                    item.setForeground(grey)
                elif finding.state == "accepted" and col == 3:
                    bold = QFont(item.font())
                    bold.setBold(True)
                    item.setFont(bold)
                self.table.setItem(row, col, item)
            if finding.id in chosen:
                self.table.selectionModel().select(
                    self.table.model().index(row, 0),
                    QItemSelectionModel.SelectionFlag.Select
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
        self.table.blockSignals(False)
        self.table.resizeColumnsToContents()
        self._update_buttons()

    def selected_findings(self) -> list[edits_more.FindingRow]:
        rows = sorted({index.row() for index in self.table.selectedIndexes()})
        return [self.findings[r] for r in rows if r < len(self.findings)]

    def select_finding(self, finding_id: str) -> bool:
        for row, finding in enumerate(self.findings):
            if finding.id == finding_id:
                self._select_row(row)
                return True
        return False

    def _select_row(self, row: int) -> None:
        # Explicit flags: selectRow follows the keyboard modifiers held at the time
        # (Ctrl toggles, Shift extends), and a program's choice should not.
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.selectionModel().select(self.table.model().index(row, 0), flags)

    def decide(self, state: str) -> int:
        """Set the selected findings to `state`, one undo step each; return how many."""
        done = 0
        for finding in self.selected_findings():
            if finding.state == state:
                continue
            text = f"{VERBS[state]} finding: {finding.title}"
            command = SetFindingState(self.context, finding.id, finding.state, state, text)
            try:
                command.apply()
            except CaseError as exc:
                self.problem.emit(str(exc))
                break
            self.undo_stack.push(command)
            done += 1
        return done

    def _update_buttons(self) -> None:
        states = {f.state for f in self.selected_findings()}
        for state, button in self.decide_buttons.items():
            button.setEnabled(bool(states - {state}))

    def run_rules(self) -> Job | None:
        """Run the rules on the thread pool and store what they find (audited)."""
        from analyst_app.findings import run_rules, store_findings

        if self.context.busy:
            self.note.setText("Another task is reading the case; run the rules when it is done.")
            return None
        case = self.case

        def task(_progress: object, _cancelled: object) -> int:
            found = run_rules(case)
            store_findings(case, found)
            return len(found)

        self.run_button.setEnabled(False)
        self.note.setText("Running the red-flag rules…")
        # The rules use the case's one connection on the pool: a window-modal progress
        # dialog keeps the analyst's clicks off the case meanwhile, and `hold` tells the
        # window to defer its own reads (see CaseContext).
        self.context.hold()
        self.busy = QProgressDialog("Running the red-flag rules…", "", 0, 0, self)
        self.busy.setWindowTitle("Red-flag rules")
        self.busy.setCancelButton(None)
        self.busy.setWindowModality(Qt.WindowModality.WindowModal)
        self.busy.setMinimumDuration(300)
        return run_job(task, done=self._ran, failed=self._failed)

    def _finished(self) -> None:
        if self.busy is not None:
            self.busy.close()
            self.busy.deleteLater()
            self.busy = None
        self.run_button.setEnabled(True)
        self.context.release()

    def _ran(self, count: int) -> None:
        self._finished()
        self.refresh()
        self.rulesRun.emit(count)

    def _failed(self, sentence: str) -> None:
        self._finished()
        self.note.setText(sentence)

    def _picked(self) -> None:
        self._update_buttons()
        self.evidence.clear()
        ids: list[str] = []
        for finding in self.selected_findings():
            ids.extend(finding.entities)
            for evidence in finding.evidence:
                text, where = evidence.get("text", ""), evidence.get("file", "")
                self.evidence.addItem(f"{text}    [{where}]")
        if ids:
            self.selection.set(ids, self)
