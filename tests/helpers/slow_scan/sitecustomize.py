"""Test only: a slow scan in the agent processes a test starts (the agent the app runs as its
child), so that a job is still running when the test pauses, quits or kills the app.

Put this folder on PYTHONPATH and set SHUTTERSENSE_TEST_SLOW_SCAN to the seconds the scan
takes before the real one runs; it reports progress (and so meets a cancellation) every 10 ms,
as a large share does. Without the variable nothing changes.
"""

from __future__ import annotations

import os

_SECONDS = os.environ.get("SHUTTERSENSE_TEST_SLOW_SCAN")

if _SECONDS:
    import time
    from pathlib import Path
    from typing import Any

    from shuttersense.desktop.agent import executor

    _real = executor.scan_collection

    def _slow(root: Path, sink: Any = None) -> Any:
        ends = time.monotonic() + float(_SECONDS or 0)
        done = 0
        while time.monotonic() < ends:
            sink.update("scanning", done, None)
            done += 100
            time.sleep(0.01)
        return _real(root, sink)

    executor.scan_collection = _slow
