"""Undoable edits. Each command holds ids and old/new values, never Qt items or rows.

Undo and redo are themselves edits through the core, so the audit trail records them
too (an analyst's undo is an action a reviewer should see). `edited` tells the views
which object changed so they refresh only what they show.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand

from analyst_app.store import edits_more
from analyst_app.store.case import Case
from analyst_app.store.editing import update_entity
from analyst_app.store.errors import CaseError


class CaseContext(QObject):
    """The window's current case, and the ids each edit touched.

    Commands read `context.case` when they run rather than keeping the case they were
    made with: auto-lock closes the case and unlocking opens a new connection, and the
    undo history should survive that.
    """

    edited = Signal(str)
    merged = Signal()  # entities appeared or went: views that list them reload
    findingsChanged = Signal()  # a finding was accepted, dismissed or reopened
    failed = Signal(str)  # an undo or redo the case refused, in one sentence

    released = Signal()  # the background job that held the case has finished

    def __init__(self, case: Case, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.case = case
        # A case has one connection, and sqlcipher3 connections must not be used from two
        # threads at once: while a job on the pool reads or writes the case, the window
        # defers its own reads (building the chart, laying it out) until `released`.
        self._holds = 0

    @property
    def busy(self) -> bool:
        return self._holds > 0

    def hold(self) -> None:
        self._holds += 1

    def release(self) -> None:
        self._holds = max(0, self._holds - 1)
        if not self._holds:
            self.released.emit()

    def when_free(self, step: Callable[[], object]) -> None:
        """Run `step` now, or once the job holding the case has finished."""
        if not self.busy:
            step()
            return

        def once() -> None:
            self.released.disconnect(once)
            self.when_free(step)

        self.released.connect(once)


class EditEntity(QUndoCommand):
    """Change columns and/or properties of one entity."""

    def __init__(
        self,
        context: CaseContext,
        entity_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        text: str,
    ) -> None:
        super().__init__(text)
        self.context, self.entity_id = context, entity_id
        self.old, self.new = dict(old), dict(new)

    def apply(self) -> bool:
        """Make the edit now (raising the store's reason if it refuses); False if no-op.

        Called before the command is pushed: an exception raised inside a Qt override
        (redo during push) cannot reach the caller, so the first run happens out here
        and the push's own redo is skipped.
        """
        changed = bool(update_entity(self.context.case, self.entity_id, **self.new))
        self._done = True
        self.context.edited.emit(self.entity_id)
        return changed

    def redo(self) -> None:
        if getattr(self, "_done", False):
            self._done = False
            return
        update_entity(self.context.case, self.entity_id, **self.new)
        self.context.edited.emit(self.entity_id)

    def undo(self) -> None:
        update_entity(self.context.case, self.entity_id, **self.old)
        self.context.edited.emit(self.entity_id)


class AddNote(QUndoCommand):
    def __init__(self, context: CaseContext, object_id: str, text: str) -> None:
        super().__init__("Add note")
        self.context, self.object_id, self.note_text = context, object_id, text
        self.note_id: int | None = None

    def apply(self) -> None:
        """Add the note now (raising the store's reason); the push's redo is skipped."""
        self.redo()
        self._done = True

    def redo(self) -> None:
        if getattr(self, "_done", False):
            self._done = False
            return
        # Redo puts the note back under the id it had, so later commands still find it.
        self.note_id = edits_more.add_note(
            self.context.case, self.object_id, self.note_text, note_id=self.note_id
        )
        self.context.edited.emit(self.object_id)

    def undo(self) -> None:
        if self.note_id is not None:
            edits_more.remove_note(self.context.case, self.note_id)
        self.context.edited.emit(self.object_id)


class DeleteEntities(QUndoCommand):
    """Delete entities with their links; undo restores every row the core removed."""

    def __init__(self, context: CaseContext, ids: list[str], text: str) -> None:
        super().__init__(text)
        self.context, self.ids = context, list(ids)
        self.snapshots: list[dict[str, Any]] = []
        self._done = False

    def apply(self) -> None:
        self.redo()
        self._done = True

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self.snapshots = [edits_more.delete_entity(self.context.case, i) for i in self.ids]
        self.context.merged.emit()

    def undo(self) -> None:
        for snap in reversed(self.snapshots):
            edits_more.restore_entity(self.context.case, snap)
        self.context.merged.emit()


class SetFindingState(QUndoCommand):
    """Accept, dismiss or reopen a finding; undo puts its previous state back (audited)."""

    def __init__(
        self, context: CaseContext, finding_id: str, old: str, new: str, text: str
    ) -> None:
        super().__init__(text)
        self.context, self.finding_id = context, finding_id
        self.old, self.new = old, new
        self._done = False

    def _set(self, state: str) -> None:
        from analyst_app.findings import set_state

        set_state(self.context.case, self.finding_id, state)
        self.context.findingsChanged.emit()

    def apply(self) -> None:
        """Set the state now (raising the core's reason); the push's redo is skipped."""
        self._set(self.new)
        self._done = True

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self._guarded(self.new)

    def undo(self) -> None:
        self._guarded(self.old)

    def _guarded(self, state: str) -> None:
        # Inside Qt's override an exception reaches no one: say it, and drop the command
        # so the stack never offers a step the case did not take.
        try:
            self._set(state)
        except CaseError as exc:
            self.setObsolete(True)
            self.context.failed.emit(str(exc))


class LinkEntities(QUndoCommand):
    """Draw a link between two entities; undo removes it, redo puts it back under its id."""

    def __init__(self, context: CaseContext, choice: edits_more.LinkChoice, status: str) -> None:
        super().__init__(f"Link: {choice.label}")
        self.context, self.choice, self.status = context, choice, status
        self.link_id: str | None = None
        self._done = False

    def _add(self) -> None:
        c = self.choice
        self.link_id = edits_more.add_link(
            self.context.case, c.type, c.source_id, c.target_id,
            status=self.status, link_id=self.link_id,
        )  # fmt: skip
        self.context.merged.emit()

    def apply(self) -> None:
        """Link now (raising the core's reason if it refuses); the push's redo is skipped."""
        self._add()
        self._done = True

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        try:
            self._add()
        except CaseError as exc:
            self.setObsolete(True)
            self.context.failed.emit(str(exc))

    def undo(self) -> None:
        if self.link_id is None:
            return
        try:
            edits_more.remove_link(self.context.case, self.link_id)
        except CaseError as exc:
            self.setObsolete(True)
            self.context.failed.emit(str(exc))
            return
        self.context.merged.emit()
