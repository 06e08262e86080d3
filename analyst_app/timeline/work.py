"""Progress and cancel hooks for the timeline's longer reads (DESIGN.md: core code takes
plain callbacks; the widgets run it on a thread pool and turn them into signals).

The reads are split into chunks (a lane, a stretch of time, a batch of rows) so that a
cancel is noticed within a fraction of a second and no single SQLite step holds the case's
shared connection for long: the GUI thread queries the same connection between chunks.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[float], None]
Cancelled = Callable[[], bool]


class LoadCancelled(Exception):
    """The caller's `cancelled()` said stop; nothing was kept (reads only, nothing to undo)."""


def check(cancelled: Cancelled | None) -> None:
    if cancelled is not None and cancelled():
        raise LoadCancelled


def report(progress: Progress | None, fraction: float) -> None:
    if progress is not None:
        progress(min(max(fraction, 0.0), 1.0))
