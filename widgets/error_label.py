"""The one line a dialog uses to say what is wrong while it stays open.

The unlock dialog, the new-case dialog and the lock screen each say a problem the same
way (a wrong passphrase, a time zone that is not one): in red under the fields, hidden
when there is nothing to say, so a dialog with no problem shows no empty gap.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

# Readable on the light and the dark Fusion palette alike.
ERROR_COLOUR = "#c0392b"


class ErrorLabel(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.hide()

    def say(self, sentence: str) -> None:
        """Show `sentence`, or hide the line when it is empty."""
        self.setText(sentence)
        self.setVisible(bool(sentence))
