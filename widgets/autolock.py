"""Auto-lock: after the workstation's idle time the case closes and the window blanks.

An application-wide event filter treats any key, mouse or wheel event as activity and
restarts one single-shot timer; when it fires, `idle` is emitted and the window locks.
The filter sees every event of the application, so it asks the event's class first (a
C-level check): `event.type()` on an event type PySide has no name for builds a new enum
class, ~1 ms each, and start-up alone has a hundred of them.
The lock screen asks for the passphrase again (the key is gone with the connection).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QInputEvent
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from widgets.error_label import ErrorLabel

ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


class IdleWatch(QObject):
    idle = Signal()

    def __init__(self, minutes: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.set_minutes(minutes)
        self.timer.timeout.connect(self.idle)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def set_minutes(self, minutes: float) -> None:
        self.timer.setInterval(max(1, int(minutes * 60_000)))

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(event, QInputEvent) and event.type() in ACTIVITY and self.timer.isActive():
            self.timer.start()
        return False


class LockScreen(QWidget):
    """What a locked window shows: no case content, only the file name and a passphrase."""

    unlockRequested = Signal(str)

    def __init__(self, case_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(
            f"<h2>Locked</h2><p>{case_name} was closed after the workstation was idle.</p>"
            "<p>Type the case's passphrase to carry on where you were.</p>"
        )
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText("passphrase")
        self.passphrase.setMaximumWidth(320)
        self.passphrase.returnPressed.connect(self._unlock)
        self.button = QPushButton("Unlock")
        self.button.clicked.connect(self._unlock)
        self.error = ErrorLabel()
        self.error.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.passphrase, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.error)
        layout.addStretch(2)

    def _unlock(self) -> None:
        self.error.say("")
        self.button.setEnabled(False)
        self.unlockRequested.emit(self.passphrase.text())

    def failed(self, sentence: str) -> None:
        self.button.setEnabled(True)
        self.error.say(sentence)
        self.passphrase.selectAll()
        self.passphrase.setFocus()
