"""The app factory: a served app tunes its own process, an embedded one leaves its host alone."""

from __future__ import annotations

import gc

from fastapi.testclient import TestClient

from shuttersense.coordinator.app import create_app
from shuttersense.coordinator.settings import Settings


def test_only_an_app_in_its_own_process_freezes_what_start_up_made(settings: Settings) -> None:
    gc.unfreeze()
    try:
        with TestClient(create_app(settings, sweep_interval=None)) as client:
            assert client.get("/health").status_code == 200
            assert gc.get_freeze_count() == 0
        with TestClient(create_app(settings, sweep_interval=None, own_process=True)) as client:
            assert client.get("/health").status_code == 200
            assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
