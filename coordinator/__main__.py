"""`python -m shuttersense.coordinator …`: the same program as `shuttersense-coordinator`, for
callers that must not depend on a script on PATH (the desktop app's solo mode)."""

from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
