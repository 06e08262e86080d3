"""Run core work off the GUI thread, turning its plain callbacks into Qt signals.

The core takes `progress(fraction)` and `cancelled() -> bool` callbacks (DESIGN.md); a
`Job` hands it both, runs on the global QThreadPool, and reports back through signals,
which Qt delivers on the GUI thread. A CaseError becomes `failed(sentence)`; anything
else is a bug and is reported with its type so it is not mistaken for a user problem.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from analyst_app.store.errors import CaseError

Task = Callable[[Callable[[float], None], Callable[[], bool]], Any]


class JobSignals(QObject):
    progress = Signal(float)
    message = Signal(str)
    done = Signal(object)
    failed = Signal(str)
    finished = Signal()


class Job(QRunnable):
    """One piece of work: `task(progress, cancelled)`; its return value goes to `done`."""

    def __init__(self, task: Task) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the owner keeps it until `finished`
        self.task = task
        self.signals = JobSignals()
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        try:
            result = self.task(self.signals.progress.emit, self.cancelled)
        except CaseError as exc:
            self.signals.failed.emit(str(exc))
        except Exception as exc:  # a bug: say what kind, keep the GUI alive
            self.signals.failed.emit(f"Unexpected error ({type(exc).__name__}): {exc}")
        else:
            self.signals.done.emit(result)
        finally:
            self.signals.finished.emit()


_running: set[Job] = set()


def start(job: Job) -> Job:
    """Start `job` on the global pool and keep it alive until it has finished.

    Connect the job's signals before calling this: a quick task can finish before the
    next line of the caller runs. `run_job` does both in the right order.
    """
    _running.add(job)
    job.signals.finished.connect(lambda: _running.discard(job))
    QThreadPool.globalInstance().start(job)
    return job


def run_job(
    task: Task,
    *,
    done: Callable[[Any], object],
    failed: Callable[[str], object],
    progress: Callable[[float], object] | None = None,
) -> Job:
    """Run `task` on the pool with its slots connected first.

    The slots are arguments, not connections made on the returned job, because a job
    started before its caller connects can finish unheard (a wrong passphrase is refused
    in milliseconds): taking them here leaves no order to get wrong.
    """
    job = Job(task)
    job.signals.done.connect(done)
    job.signals.failed.connect(failed)
    if progress is not None:
        job.signals.progress.connect(progress)
    return start(job)
