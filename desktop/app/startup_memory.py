"""What start-up made, kept out of the garbage collector's full passes.

A full pass walks every container object of the process with the GIL held: in the app, about
45 ms for what importing Qt, the views and the clients leaves behind, during which the window's
thread cannot run a line of Python. Loading a large result makes enough new objects to set one
off, so a window that answered in a few milliseconds froze for a collector pass instead
(docs/performance.md, "Desktop app: event-loop stalls"). Those start-up objects live as long as
the app, so they are frozen once, after start: later passes walk only what came after.
"""

from __future__ import annotations

import gc

__all__ = ["freeze_startup_objects"]


def freeze_startup_objects() -> None:
    """Collect what start-up left as garbage, then keep the rest out of later passes. Called
    by entry points (not by the app object itself: a test process must not freeze its own
    objects)."""
    gc.collect()
    gc.freeze()
