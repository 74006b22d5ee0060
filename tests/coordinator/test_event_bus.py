"""The in-process event bus: filtering, publishing from other threads, dropping slow consumers."""

from __future__ import annotations

import asyncio
import threading

import pytest

from shuttersense.coordinator.event_bus import EventBus, SlowConsumer


def event(team: int, job: str = "job_a") -> dict[str, object]:
    return {"team": team, "job": job, "event": "state", "status": "running"}


def test_events_published_from_another_thread_reach_matching_subscribers() -> None:
    async def scenario() -> tuple[dict, dict]:
        bus = EventBus()
        await bus.start()
        with bus.subscribe(1) as team, bus.subscribe(1, "job_b") as job:
            publisher = threading.Thread(
                target=lambda: [bus.publish(e) for e in (event(2), event(1), event(1, "job_b"))]
            )
            publisher.start()
            publisher.join()
            first = await asyncio.wait_for(team.next(), 5)
            only = await asyncio.wait_for(job.next(), 5)
        assert bus.connections == 0
        return first, only

    first, only = asyncio.run(scenario())
    assert first == event(1)  # team 2's event was not for it
    assert only == event(1, "job_b")


def test_a_slow_consumer_is_dropped_without_holding_up_the_others() -> None:
    async def scenario() -> None:
        bus = EventBus(queue_size=2)
        await bus.start()
        with bus.subscribe(1) as slow, bus.subscribe(1, "job_z") as idle:
            for _ in range(3):
                bus.fan_out(event(1))
            with pytest.raises(SlowConsumer):
                await slow.next()
            bus.fan_out(event(1, "job_z"))
            assert await idle.next() == event(1, "job_z")

    asyncio.run(scenario())


def test_publishing_without_a_running_bus_goes_nowhere_quietly() -> None:
    bus = EventBus()
    bus.publish(event(1))  # not started: no loop, no error
    assert bus.connections == 0
