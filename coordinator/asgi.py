"""`shuttersense.coordinator.asgi:app`: the coordinator for process managers, such as

    gunicorn shuttersense.coordinator.asgi:app -w 4 \
        -k shuttersense.coordinator.gunicorn_worker.UvicornWorker -b 0.0.0.0:8000
    uvicorn shuttersense.coordinator.asgi:app --host 0.0.0.0 --port 8000 --no-proxy-headers

The app is built from the environment when this module is imported, as every `serve` worker
builds it (create_served_app): weak settings stop the import with every offending variable
named, and production without SHUSAI_METRICS_TOKEN gets `serve`'s warning. Unlike `serve`, the
database is not checked here: a worker the process manager restarts while the database is
briefly away starts all the same and answers /health with 503 until it is back.
"""

from __future__ import annotations

import logging
import sys

from .app import create_served_app, warn_if_metrics_open

__all__ = ["app"]

_OUR_WORKER = "shuttersense.coordinator.gunicorn_worker"


def _warn_if_another_gunicorn_worker() -> None:
    """gunicorn imports its arbiter in the master, whose modules every worker inherits; our
    worker class is imported there too when it is the one in use."""
    if "gunicorn.arbiter" in sys.modules and _OUR_WORKER not in sys.modules:
        logging.getLogger(__name__).warning(
            "served by gunicorn with a worker class other than %s.UvicornWorker: that worker "
            "believes X-Forwarded-For from gunicorn's --forwarded-allow-ips (127.0.0.1 by "
            "default) whatever SHUSAI_TRUSTED_PROXIES says, so a local client can escape the "
            "sign-in rate limit; start gunicorn with -k %s.UvicornWorker (README)",
            _OUR_WORKER,
            _OUR_WORKER,
        )


app = create_served_app()
warn_if_metrics_open(app.state.settings)
_warn_if_another_gunicorn_worker()
