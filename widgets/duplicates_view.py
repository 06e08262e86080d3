"""The "Possible duplicates" dock: pairs of people or organizations that may be one, best
first, each with its reasons; the analyst decides every one (issue 7: nothing merges itself).

"Find duplicates" runs `analyst_app.resolution.candidates` on the thread pool (it only
reads; 50,000 people take seconds, reading their names and identifiers included) with a
progress bar and a cancel button. A cancelled search is dropped whole: the table keeps
what it showed before. The pairs sit in a model, not in widget items, because a large
case proposes tens of thousands of them.

Decisions: "Same person - merge" records a 'match' and pushes a `MergeCommand` (undo puts
both records back exactly); "Not the same" records a 'no_match', so the pair is never
proposed again; "Decide later" only hides the pair until the next search.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from analyst_app.resolution import RESOLVED_TYPES, Candidate, candidates, decide
from analyst_app.store.case import Case
from analyst_app.store.errors import CaseError
from analyst_app.store.queries import connection_counts, provenance
from widgets.commands import CaseContext
from widgets.merge_commands import MergeCommand, signals_for
from widgets.selection import SelectionModel
from widgets.workers import Job, start

INTRO = (
    "Find duplicates compares the people and organizations in this case and lists the pairs "
    "that may be one record, best first, each with its reasons. Nothing is merged unless you "
    "say so."
)
PICK = "Select a pair to see why it was proposed and where each record comes from."
EMPTY = "No candidates: every pair is decided or nothing alike was found."
SCOPES = (
    ("People and organizations", RESOLVED_TYPES),
    ("People", ("Person",)),
    ("Organizations", ("Organization",)),
)
_ROOT = QModelIndex()
RECORD_WIDTH = 220
_SAME = {"Person": "Same person – merge…", "Organization": "Same organization – merge…"}


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class RecordFacts:
    """What the analyst needs to tell two records apart and choose the one to keep."""

    def __init__(self, case: Case, entity_id: str, label: str) -> None:
        self.id, self.label = entity_id, label
        self.sources = provenance(case, entity_id)
        self.links, self.events = connection_counts(case, entity_id)

    def weight(self) -> tuple[int, int, int]:
        """More source rows first, then more connections, then the fuller name."""
        return (len(self.sources), self.links + self.events, len(self.label))

    def summary(self) -> str:
        rows = len(self.sources)
        files = list(dict.fromkeys(s["file"] for s in self.sources))
        where = f" ({', '.join(files[:3])}{' …' if len(files) > 3 else ''})" if files else ""
        return (
            f"{rows} source row{'s' if rows != 1 else ''}{where}, "
            f"{self.links} link{'s' if self.links != 1 else ''}, "
            f"{self.events} event{'s' if self.events != 1 else ''}"
        )


class CandidateModel(QAbstractTableModel):
    """The proposed pairs, best first: score, type, both records, the reasons."""

    HEADERS = ("Score", "Type", "Record", "Record", "Why")

    def __init__(self) -> None:
        super().__init__()
        self.pairs: list[Candidate] = []

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.pairs)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        c, col = self.pairs[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                str(c.score),
                c.type,
                c.a_label,
                c.b_label,
                "; ".join(c.reasons),
            )[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            items = "".join(f"<li>{_html(r)}</li>" for r in c.reasons)
            both = f"<b>{_html(c.a_label)}</b> and <b>{_html(c.b_label)}</b>"
            return f"{both} ({c.type}):<ul>{items}</ul>"
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def reset(self, pairs: Sequence[Candidate]) -> None:
        self.beginResetModel()
        self.pairs = list(pairs)
        self.endResetModel()

    def insert(self, row: int, candidate: Candidate) -> None:
        self.beginInsertRows(QModelIndex(), row, row)
        self.pairs.insert(row, candidate)
        self.endInsertRows()

    def remove(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        del self.pairs[row]
        self.endRemoveRows()


class KeepDialog(QDialog):
    """Which of the two records is kept; the other is folded into it."""

    def __init__(
        self,
        candidate: Candidate,
        first: RecordFacts,
        second: RecordFacts,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Merge two records")
        self.setMinimumWidth(460)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        intro = QLabel(
            "Which record should be kept? The other's names become aliases of the kept one, "
            "and its links, events, sources, tags and notes move to it. Nothing is lost: "
            "Undo (Ctrl+Z) puts both records back exactly."
        )
        intro.setWordWrap(True)
        self.choices: list[tuple[QRadioButton, RecordFacts]] = []
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        best = max((first, second), key=RecordFacts.weight)
        for facts in (first, second):
            button = QRadioButton(f"Keep {facts.label}  ({candidate.type})")
            button.setChecked(facts is best)
            detail = QLabel(facts.summary())
            detail.setIndent(24)
            detail.setWordWrap(True)
            layout.addWidget(button)
            layout.addWidget(detail)
            self.choices.append((button, facts))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Merge")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def kept(self) -> RecordFacts:
        return next(facts for button, facts in self.choices if button.isChecked())

    def merged(self) -> RecordFacts:
        return next(facts for button, facts in self.choices if not button.isChecked())


class DuplicatesView(QWidget):
    """The dock's content. `caseChanged(ids)` after a merge, unmerge or decision (the
    window refreshes chart, sidebar and inspector); `problem(sentence)` when the case
    refused something; `searched(n)` when a search has listed n pairs."""

    caseChanged = Signal(frozenset)
    problem = Signal(str)
    searched = Signal(int)
    searchCancelled = Signal()

    def __init__(
        self,
        case: Case | CaseContext,
        selection: SelectionModel,
        undo_stack: QUndoStack,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Possible duplicates")
        self.source, self.selection, self.undo_stack = case, selection, undo_stack
        self.model = CandidateModel()
        self.job: Job | None = None
        self.keep_dialog: KeepDialog | None = None
        # Commands outlive this view (the stack is the window's): listen to the stack's.
        self.merge_signals = signals_for(undo_stack)
        self._detached = False
        self.merge_signals.merged.connect(self._merged)
        self.merge_signals.unmerged.connect(self._unmerged)
        self.merge_signals.failed.connect(self._failed)
        self.merge_signals.changed.connect(self.caseChanged)

        self.find_button = QPushButton("Find duplicates")
        self.find_button.setToolTip("Look for people and organizations that may be one")
        self.find_button.clicked.connect(self.find_duplicates)
        self.scope = QComboBox()
        for text, _types in SCOPES:
            self.scope.addItem(text)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        top = QHBoxLayout()
        top.addWidget(self.find_button)
        top.addWidget(self.scope)
        top.addWidget(self.progress, 1)
        top.addWidget(self.cancel_button)
        top.addStretch(0)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        # Widths come from the text, measured here: asking the model for every cell's size
        # hint (ResizeToContents) costs seconds when a large case lists 60,000 pairs.
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        metrics = self.fontMetrics()
        for col, sample in ((0, "Score"), (1, "Organization")):
            self.table.setColumnWidth(col, metrics.horizontalAdvance(sample) + 24)
        self.table.selectionModel().selectionChanged.connect(self._picked)
        self.detail = QLabel(PICK)
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setContentsMargins(8, 4, 8, 4)
        scroll = self.detail_pane = QScrollArea()
        scroll.setWidget(self.detail)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(220)
        # The table, or in its place a sentence when there is nothing to list.
        self.empty = QLabel(INTRO)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setMargin(24)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.empty)
        self.pages.addWidget(self.table)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.pages)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        self.merge_button = QPushButton(_SAME["Person"])
        self.merge_button.setToolTip("Record that they are one, then choose which record to keep")
        self.merge_button.clicked.connect(self.merge_selected)
        self.distinct_button = QPushButton("Not the same")
        self.distinct_button.setToolTip("Record that they are different; never proposed again")
        self.distinct_button.clicked.connect(self.not_the_same)
        self.later_button = QPushButton("Decide later")
        self.later_button.setToolTip("Hide the pair until the next search; nothing is recorded")
        self.later_button.clicked.connect(self.decide_later)
        decide_row = QHBoxLayout()
        for button in (self.merge_button, self.distinct_button, self.later_button):
            decide_row.addWidget(button)
        decide_row.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.note)
        layout.addWidget(splitter, 1)
        layout.addLayout(decide_row)
        self._set_busy(False)
        self._update_buttons()
        self.say("")
        self.detail_pane.hide()

    @property
    def case(self) -> Case:
        return self.source.case if isinstance(self.source, CaseContext) else self.source

    def detach(self) -> None:
        """The case is about to close: drop a running search and stop listening."""
        if self.job is not None:
            self.job.cancel()
            self.job = None
        if self._detached:
            return
        self._detached = True
        for signal, slot in (
            (self.merge_signals.merged, self._merged),
            (self.merge_signals.unmerged, self._unmerged),
            (self.merge_signals.failed, self._failed),
            (self.merge_signals.changed, self.caseChanged),
        ):
            signal.disconnect(slot)

    # -- searching -----------------------------------------------------------------------
    def find_duplicates(self) -> Job | None:
        """Search on the pool; the table is replaced only when the search completes."""
        if self.job is not None:
            return None
        context = self.source if isinstance(self.source, CaseContext) else None
        if context is not None and context.busy:
            self.say("Another task is reading the case; search when it is done.")
            return None
        case, types = self.case, SCOPES[self.scope.currentIndex()][1]

        def task(progress: Callable[[float], None], cancelled: Callable[[], bool]) -> Any:
            found = candidates(case, types=types, progress=progress, cancelled=cancelled)
            return None if cancelled() else found

        job = self.job = Job(task)
        job.signals.progress.connect(lambda fraction: self._progressed(job, fraction))
        job.signals.done.connect(lambda found: self._found(job, found))
        job.signals.failed.connect(lambda sentence: self._search_failed(job, sentence))
        if context is not None:
            # The search reads the case's one connection on the pool: the window defers
            # its own reads until the job has finished, cancelled or not (CaseContext).
            context.hold()
            job.signals.finished.connect(context.release)
        self._set_busy(True)
        # Reading names and identifiers comes first and reports nothing: a busy bar until
        # the scoring reports its progress.
        self.progress.setRange(0, 0)
        self.say("Reading names, dates of birth and identifiers…")
        return start(job)  # connected first: a quick search must not finish unheard

    def cancel(self) -> None:
        """Stop the search; whatever it finds is dropped and the table is left as it was."""
        job, self.job = self.job, None
        if job is None:
            return
        job.cancel()
        self._set_busy(False)
        self.say("Search cancelled; nothing was changed.")
        self.searchCancelled.emit()

    def _progressed(self, job: Job, fraction: float) -> None:
        if job is self.job:
            if self.progress.maximum() == 0:
                self.progress.setRange(0, 1000)
                self.say("Comparing the records that share a name key or an identifier…")
            self.progress.setValue(round(fraction * 1000))

    def _search_failed(self, job: Job, sentence: str) -> None:
        if job is self.job:
            self.job = None
            self._set_busy(False)
            self._failed(sentence)

    def _found(self, job: Job, found: list[Candidate] | None) -> None:
        if job is not self.job:  # cancelled, or the view was detached meanwhile
            return
        self.job = None
        self._set_busy(False)
        if found is None:
            self.say("Search cancelled; nothing was changed.")
            self.searchCancelled.emit()
            return
        self.show_candidates(found)
        self.searched.emit(len(found))

    def _set_busy(self, busy: bool) -> None:
        self.find_button.setEnabled(not busy)
        self.scope.setEnabled(not busy)
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.progress.setRange(0, 1000)
        self._update_buttons()

    # -- the table -----------------------------------------------------------------------
    @property
    def candidates(self) -> list[Candidate]:
        """The pairs listed, in table order."""
        return self.model.pairs

    def show_candidates(self, found: Sequence[Candidate]) -> None:
        self.model.reset(found)
        metrics, shown = self.fontMetrics(), found[:500]  # the first screens are enough
        for col, labels in ((2, [c.a_label for c in shown]), (3, [c.b_label for c in shown])):
            wide = max((metrics.horizontalAdvance(label) for label in labels), default=60)
            # Wide enough for most names, never pushing "Why" out of sight.
            self.table.setColumnWidth(col, min(wide + 24, RECORD_WIDTH))
        self.detail.setText(PICK)
        self._told()

    def _told(self) -> None:
        n = len(self.candidates)
        self.empty.setText(EMPTY)
        self.pages.setCurrentWidget(self.table if n else self.empty)
        self.detail_pane.setVisible(bool(n))
        self.say(
            EMPTY
            if n == 0
            else f"{n:,} possible duplicate{'s' if n != 1 else ''}, best first. Select a pair "
            "to see why it was proposed, then decide."
        )
        self._update_buttons()

    def selected_row(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def selected(self) -> Candidate | None:
        row = self.selected_row()
        return None if row is None else self.candidates[row]

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))

    def _picked(self, *_args: object) -> None:
        candidate = self.selected()
        self._update_buttons()
        if candidate is None:
            self.detail.setText(PICK)
            return
        self.selection.set((candidate.a_id, candidate.b_id), self)
        try:
            first = RecordFacts(self.case, candidate.a_id, candidate.a_label)
            second = RecordFacts(self.case, candidate.b_id, candidate.b_label)
        except CaseError:  # the case is closing; the detail can wait
            return
        reasons = "".join(f"<li>{_html(r)}</li>" for r in candidate.reasons)
        records = "".join(
            f"<li><b>{_html(f.label)}</b>: {_html(f.summary())}</li>" for f in (first, second)
        )
        self.detail.setText(
            f"<p><b>Score {candidate.score} of 100</b> · {candidate.type}</p>"
            f"<p>Why proposed:</p><ul>{reasons}</ul><p>The two records:</p><ul>{records}</ul>"
        )

    def _update_buttons(self) -> None:
        candidate = self.selected()
        for button in (self.merge_button, self.distinct_button, self.later_button):
            # Not during a search: its results would not know about the decision.
            button.setEnabled(candidate is not None and self.job is None)
        if candidate is not None:
            self.merge_button.setText(_SAME.get(candidate.type, "Same – merge…"))

    def _drop(self, keep: Callable[[Candidate], bool]) -> None:
        """Remove the pairs `keep` says no to; the selection moves to the next pair."""
        row = self.selected_row() or 0
        self.table.clearSelection()
        for index in reversed(range(len(self.candidates))):
            if not keep(self.candidates[index]):
                self.model.remove(index)
        if self.candidates:
            self.select_row(min(row, len(self.candidates) - 1))
        self._told()

    # -- deciding ------------------------------------------------------------------------
    def _why(self, c: Candidate) -> list[str]:
        """The decision's reasons: what the analyst saw when deciding."""
        return [f"proposed with score {c.score}", *c.reasons]

    def not_the_same(self) -> None:
        candidate = self.selected()
        if candidate is None:
            return
        try:
            decide(self.case, candidate.a_id, candidate.b_id, "no_match", self._why(candidate))
        except CaseError as exc:
            self._failed(str(exc))
            return
        self._drop(lambda c: c is not candidate)
        self.caseChanged.emit(frozenset((candidate.a_id, candidate.b_id)))

    def decide_later(self) -> None:
        candidate = self.selected()
        if candidate is not None:
            self._drop(lambda c: c is not candidate)

    def merge_selected(self) -> KeepDialog | None:
        """Ask which record to keep (the one with more sources preselected), then merge."""
        candidate = self.selected()
        if candidate is None:
            return None
        try:
            first = RecordFacts(self.case, candidate.a_id, candidate.a_label)
            second = RecordFacts(self.case, candidate.b_id, candidate.b_label)
        except CaseError as exc:
            self._failed(str(exc))
            return None
        dialog = self.keep_dialog = KeepDialog(candidate, first, second, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.merge(candidate, dialog.kept().id, dialog.merged().id))
        dialog.finished.connect(lambda _result: self._dialog_closed(dialog))
        dialog.open()
        return dialog

    def _dialog_closed(self, dialog: KeepDialog) -> None:
        if self.keep_dialog is dialog:
            self.keep_dialog = None

    def merge(self, candidate: Candidate, kept_id: str, merged_id: str) -> MergeCommand | None:
        """Record the match and merge as one undo step; a refusal is said, nothing pushed."""
        labels = {candidate.a_id: candidate.a_label, candidate.b_id: candidate.b_label}
        command = MergeCommand(
            self.source,
            kept_id,
            merged_id,
            candidate.reasons,
            labels=(labels[kept_id], labels[merged_id]),
            signals=self.merge_signals,
            candidate=candidate,
        )
        try:
            decide(self.case, candidate.a_id, candidate.b_id, "match", self._why(candidate))
            command.apply()
        except CaseError as exc:
            self._failed(str(exc))
            return None
        self.undo_stack.push(command)
        return command

    def _merged(self, command: MergeCommand) -> None:
        gone = command.merged_id
        self._drop(lambda c: gone not in (c.a_id, c.b_id))
        self.say(
            f"Merged {command.merged_label} into {command.kept_label}; Undo (Ctrl+Z) puts both"
            f" back. {self.note.text()}"
        )

    def _unmerged(self, command: MergeCommand) -> None:
        """The merge was undone: offer the pair again, at its place by score."""
        candidate = command.candidate
        if candidate is None or candidate in self.candidates:
            return
        row = next(
            (i for i, c in enumerate(self.candidates) if c.score < candidate.score),
            len(self.candidates),
        )
        self.model.insert(row, candidate)
        self._told()

    def say(self, text: str, *, problem: bool = False) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))
        self.note.setStyleSheet("color: #b00020;" if problem else "")

    def _failed(self, sentence: str) -> None:
        self.say(sentence, problem=True)
        self.problem.emit(sentence)
