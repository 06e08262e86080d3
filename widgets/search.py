"""Search as you type over the case's full-text index; picking a result selects it.

The store answers a prefix query in a few milliseconds even on a million entities
(queries.search takes the first matches and ranks only those), so each keystroke from
the second character on searches directly; a 0 ms single-shot timer only coalesces
keystrokes queued together.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from analyst_app.store.case import Case
from analyst_app.store.queries import SearchHit, search
from widgets.selection import SelectionModel

ALL_TYPES = "All types"
MIN_CHARS = 2
LIMIT = 100  # a page of results; typing more narrows them


def settled(text: str) -> str:
    """The text to search: a last word of one letter waits for its second ("Ines C"
    searches "Ines"), for the same reason the first word does."""
    words = text.split()
    if len(words) > 1 and len(words[-1]) < MIN_CHARS:
        return " ".join(words[:-1])
    return text


class SearchPanel(QWidget):
    searched = Signal(int)  # number of hits shown

    def __init__(
        self, case: Case, selection: SelectionModel, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.case, self.selection = case, selection
        self.box = QLineEdit()
        self.box.setPlaceholderText("Search names, numbers, text…  (Ctrl+F)")
        self.box.setClearButtonEnabled(True)
        self.types = QComboBox()
        self.types.addItem(ALL_TYPES, "")
        for typedef in sorted(case.schema.of_kind("entity"), key=lambda t: t.plural):
            self.types.addItem(typedef.plural, typedef.name)
        self.results = QListWidget()
        self.results.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.count = QLabel()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.run)
        self.box.textChanged.connect(lambda _text: self._timer.start())
        self.types.currentIndexChanged.connect(lambda _i: self._timer.start())
        self.box.returnPressed.connect(self._select_first)
        self.results.itemSelectionChanged.connect(self._picked)
        row = QHBoxLayout()
        row.addWidget(self.types, 1)
        row.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.box)
        layout.addLayout(row)
        layout.addWidget(self.results, 1)

    def detach(self) -> None:
        self._timer.stop()
        self._timer.timeout.disconnect(self.run)

    def run(self) -> list[SearchHit]:
        text = self.box.text()
        chosen = self.types.currentData()
        # One letter matches a large share of a big case and the index keeps prefixes of
        # two and three letters: wait for the second (measured in bench/startup.py).
        short = len(text.strip()) < MIN_CHARS
        hits = (
            []
            if short
            else search(self.case, settled(text), limit=LIMIT, types=(chosen,) if chosen else ())
        )
        self.results.blockSignals(True)
        self.results.setUpdatesEnabled(False)  # one repaint for the list, not one per row
        self.results.clear()
        for hit in hits:
            typedef = self.case.schema.get(hit.type)
            item = QListWidgetItem(f"{hit.label}    ({typedef.label if typedef else hit.type})")
            item.setData(Qt.ItemDataRole.UserRole, hit.id)
            if hit.snippet:
                item.setToolTip(hit.snippet)
            self.results.addItem(item)
        self.results.setUpdatesEnabled(True)
        self.results.blockSignals(False)
        if short:
            self.count.setText("Type two or more characters" if text.strip() else "")
        else:
            more = "+" if len(hits) == LIMIT else ""
            self.count.setText(f"{len(hits)}{more} result{'s' if len(hits) != 1 else ''}")
        self.searched.emit(len(hits))
        return hits

    def _picked(self) -> None:
        ids = [item.data(Qt.ItemDataRole.UserRole) for item in self.results.selectedItems()]
        if ids:
            self.selection.set(ids, self)

    def _select_first(self) -> None:
        self._timer.stop()
        self.run()
        if self.results.count():
            self.results.setCurrentRow(0)
