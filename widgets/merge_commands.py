"""Merging two records as one undo step: redo merges, undo unmerges exactly.

The core does the work and keeps the snapshot that makes unmerge exact
(`analyst_app.resolution.merge` / `unmerge`); the command only remembers which merge it
made. Undo and redo run inside Qt's overrides, where an exception cannot reach anyone
who could show it, so failures are caught, told through `MergeSignals.failed` in one
sentence, and the command drops itself from the stack (`setObsolete`): the stack then
never offers to undo a merge that is not in the case, or redo one that is.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal, SignalInstance
from PySide6.QtGui import QUndoCommand, QUndoStack

from analyst_app.resolution import Candidate, merge, unmerge
from analyst_app.store.case import Case
from analyst_app.store.errors import CaseError
from widgets.commands import CaseContext


class MergeSignals(QObject):
    """What a merge command tells the views. `changed(ids)` after any merge or unmerge
    (the kept and the merged id), `failed(sentence)` when the case refused."""

    changed = Signal(frozenset)
    merged = Signal(object)  # the MergeCommand, after its merge (first time or again)
    unmerged = Signal(object)  # the MergeCommand, after its unmerge
    failed = Signal(str)


def signals_for(stack: QUndoStack) -> MergeSignals:
    """The one MergeSignals of an undo stack, made on first use.

    Commands outlive the views that pushed them (the stack is the window's, the views are
    rebuilt after auto-lock), so views listen here rather than to signals of their own:
    undoing after an unlock still reaches the views of the new build.
    """
    found = stack.findChild(MergeSignals, "merge-signals")
    if isinstance(found, MergeSignals):
        return found
    made = MergeSignals(stack)
    made.setObjectName("merge-signals")
    return made


class MergeCommand(QUndoCommand):
    """Fold `merged_id` into `kept_id`; undo puts both back as they were.

    `case` is the open case or the window's `CaseContext` (read when the command runs, so
    the undo history survives auto-lock, which reopens the case on a new connection).
    `reasons` are why the two were proposed; they go into the command's text for the
    undo history. `candidate`, when the merge came from a proposed pair, lets the
    duplicates view offer that pair again after an undo.
    """

    def __init__(
        self,
        case: Case | CaseContext,
        kept_id: str,
        merged_id: str,
        reasons: Sequence[str] = (),
        *,
        labels: tuple[str, str] | None = None,
        signals: MergeSignals | None = None,
        candidate: Candidate | None = None,
    ) -> None:
        kept_label, merged_label = labels or (kept_id, merged_id)
        super().__init__(f"Merge {merged_label} into {kept_label}")
        self.source = case
        self.kept_label, self.merged_label = kept_label, merged_label
        self.kept_id, self.merged_id = kept_id, merged_id
        self.reasons = tuple(reasons)
        self.signals = signals or MergeSignals()
        self.candidate = candidate
        self.merge_id: int | None = None
        self._done = False

    @property
    def case(self) -> Case:
        return self.source.case if isinstance(self.source, CaseContext) else self.source

    @property
    def ids(self) -> frozenset[str]:
        return frozenset((self.kept_id, self.merged_id))

    def apply(self) -> int:
        """Merge now, raising the core's MergeError (one sentence) if it refuses.

        Called before the command is pushed: an exception raised in the push's redo
        could not reach the caller, so the first merge happens out here and the push's
        redo is skipped. Nothing is pushed when this raises.
        """
        self.merge_id = merge(self.case, self.kept_id, self.merged_id)
        self._done = True
        self._tell(self.signals.merged)
        return self.merge_id

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        try:
            self.merge_id = merge(self.case, self.kept_id, self.merged_id)
        except Exception as exc:  # shown to the analyst, never a traceback
            self._give_up("The merge could not be redone", exc, "It is off the redo list.")
            return
        self._tell(self.signals.merged)

    def undo(self) -> None:
        if self.merge_id is None:
            return
        try:
            unmerge(self.case, self.merge_id)
        except Exception as exc:  # shown to the analyst, never a traceback
            self._give_up(
                "The merge could not be undone", exc, "It stays, and is off the undo list."
            )
            return
        self._tell(self.signals.unmerged)

    def _tell(self, which: SignalInstance) -> None:
        which.emit(self)
        self.signals.changed.emit(self.ids)
        if isinstance(self.source, CaseContext):
            for entity_id in (self.kept_id, self.merged_id):
                self.source.edited.emit(entity_id)
            self.source.merged.emit()  # an entity went or came back: lists and counts reload

    def _give_up(self, what: str, exc: Exception, after: str) -> None:
        """Say why, and leave the stack: QUndoStack deletes an obsolete command."""
        why = (
            str(exc)
            if isinstance(exc, CaseError)
            else f"unexpected error ({type(exc).__name__}): {exc}"
        )
        self.setObsolete(True)
        self.signals.failed.emit(f"{what}: {why[:1].lower()}{why[1:]} {after}")
