"""Pause Python's cyclic garbage collector while a bulk read or build runs.

Why: building hundreds of thousands of small objects (rows, chart nodes, Qt items) sets off
full collections that walk the whole heap again and again, each holding the GIL. Measured:
a quarter of reading a million calls for the rules, 15-25% of a rules run, 110-130 ms GUI
stalls while the timeline loads 200,000 events, and 0.6 s of a 10,000-entity
`threadline chart`. Reference counting still frees objects at once; only reference
cycles wait until the last pause ends, and none of these builds makes any.

Pauses nest and may overlap across threads: the collector runs again when the last one
ends, and only if it was running when the first began.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_running = 0
_was_enabled = True


@contextmanager
def collection_paused() -> Iterator[None]:
    """The collector is off inside this block (and any other pause still running)."""
    global _running, _was_enabled
    with _lock:
        if _running == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _running += 1
    try:
        yield
    finally:
        with _lock:
            _running -= 1
            if _running == 0 and _was_enabled:
                gc.enable()
