""" "Link…": draw a link between the two selected entities, of a type the schema allows.

The list holds only the link types valid for the two entities' types, each way a
directed one can read ("Ana controls Ben" and "Ben controls Ana" are different claims),
so the analyst cannot draw a link the schema would refuse. New links default to
unconfirmed (dashed on the chart) until the analyst ticks "Confirmed".
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QWidget,
)

from analyst_app.store import edits_more
from analyst_app.store.case import Case


class LinkDialog(QDialog):
    def __init__(
        self, case: Case, first_id: str, second_id: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Link entities")
        self.choices = edits_more.link_choices(case, first_id, second_id)  # CaseError: caller
        names = edits_more.labels(case, [first_id, second_id])
        self.kind = QComboBox()
        for choice in self.choices:
            source, target = names[choice.source_id][1], names[choice.target_id][1]
            arrow = "→" if choice.directed else "—"
            self.kind.addItem(f"{source}  {arrow} {choice.label} {arrow}  {target}")
        self.confirmed = QCheckBox("Confirmed (drawn solid; unconfirmed links are dashed)")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Link")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(QLabel("The link types the schema allows between these two:"))
        form.addRow("Link", self.kind)
        form.addRow("", self.confirmed)
        form.addRow(buttons)

    def choice(self) -> edits_more.LinkChoice:
        return self.choices[self.kind.currentIndex()]

    def status(self) -> str:
        return "confirmed" if self.confirmed.isChecked() else "unconfirmed"
