"""The push sender's own loops, sans HTTP: stopping ends them whatever they were doing."""

from __future__ import annotations

import asyncio

from shuttersense.coordinator.db import make_engine, make_session_factory
from shuttersense.coordinator.push_sender import PushSender
from shuttersense.coordinator.settings import Settings
from shuttersense.coordinator.vapid import VapidSource
from shuttersense.coordinator.vault import Vault


async def woken_and_stopped_in_one_turn(settings: Settings) -> None:
    engine = make_engine(settings.db_url)
    sessions = make_session_factory(engine)
    vapid = VapidSource(
        None, generate=False, sessions=sessions, vault=Vault(settings.master_key), subject=None
    )
    sender = PushSender(sessions, vapid, retry_every=30)
    await sender.start()
    await asyncio.sleep(0.05)  # the send loop waits for its wake-up
    # An event recorded just as the app stops (a test's last request, then its teardown):
    # the wake-up and the cancel reach the send loop in the same turn of the event loop.
    sender._wake.set()
    try:
        await asyncio.wait_for(sender.stop(), 10)  # not the 30 s retry, nor forever
    finally:
        engine.dispose()


def test_a_wake_up_in_the_same_turn_as_stop_does_not_keep_the_sender_alive(
    settings: Settings,
) -> None:
    asyncio.run(woken_and_stopped_in_one_turn(settings))
