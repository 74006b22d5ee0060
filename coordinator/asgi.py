"""`shuttersense.coordinator.asgi:app`: the coordinator for process managers, such as

    gunicorn shuttersense.coordinator.asgi:app -w 4 -k uvicorn_worker.UvicornWorker -b 0.0.0.0:8000
    uvicorn shuttersense.coordinator.asgi:app --host 0.0.0.0 --port 8000

The app is built from the environment when this module is imported, as every `serve` worker
builds it (create_served_app): weak settings stop the import with every offending variable
named, and production without SHUSAI_METRICS_TOKEN gets `serve`'s warning. Unlike `serve`, the
database is not checked here: a worker the process manager restarts while the database is
briefly away starts all the same and answers /health with 503 until it is back.
"""

from __future__ import annotations

from .app import create_served_app, warn_if_metrics_open

__all__ = ["app"]

app = create_served_app()
warn_if_metrics_open(app.state.settings)
