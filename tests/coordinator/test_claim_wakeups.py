"""Which waiting claims a queued job wakes, sans HTTP."""

from __future__ import annotations

import asyncio

from shuttersense.coordinator.claim_wakeups import ClaimWakeups

TEAM, OTHER_TEAM = 1, 2


def queued(team: int, agent: int | None, status: str = "queued") -> dict:
    return {"team": team, "agent": agent, "event": "state", "job": "job_x", "status": status}


async def waiting(wakeups: ClaimWakeups, agents: list[int], event: dict) -> list[int]:
    """Start a wait for each agent, announce `event`, and say which agents were woken."""
    loop = asyncio.get_running_loop()
    since = loop.time()
    waits = [asyncio.create_task(wakeups.wait(TEAM, agent, since, 0.3)) for agent in agents]
    await asyncio.sleep(0.01)
    assert wakeups.waiting == len(agents)
    wakeups.notice(event)
    await asyncio.sleep(0.05)
    woken = [agent for agent, task in zip(agents, waits, strict=True) if task.done()]
    await asyncio.gather(*waits)
    return woken


def test_a_job_bound_to_an_agent_wakes_that_agent_only() -> None:
    assert asyncio.run(waiting(ClaimWakeups(), [7, 8], queued(TEAM, 8))) == [8]


def test_a_job_any_agent_may_take_wakes_one_waiting_agent() -> None:
    assert len(asyncio.run(waiting(ClaimWakeups(), [7, 8, 9], queued(TEAM, None)))) == 1


def test_other_teams_and_other_events_wake_nobody() -> None:
    wakeups = ClaimWakeups()
    assert asyncio.run(waiting(wakeups, [7], queued(OTHER_TEAM, 7))) == []
    assert asyncio.run(waiting(wakeups, [7], queued(TEAM, 7, status="running"))) == []
    assert asyncio.run(waiting(wakeups, [7], {"team": "1", "agent": 7, "event": "state"})) == []


def test_a_job_queued_since_the_claim_asked_returns_at_once() -> None:
    async def main() -> tuple[float, float]:
        wakeups = ClaimWakeups()
        loop = asyncio.get_running_loop()
        asked = loop.time()
        wakeups.notice(queued(TEAM, None))  # between the question and the wait
        await wakeups.wait(TEAM, 7, asked, 5.0)
        returned = loop.time()
        await wakeups.wait(TEAM, 7, loop.time(), 0.2)  # nothing new: waits it out
        return returned - asked, loop.time() - returned

    first, second = asyncio.run(main())
    assert first < 0.1 and second >= 0.19


def test_waiters_are_forgotten_once_they_end() -> None:
    wakeups = ClaimWakeups()
    asyncio.run(waiting(wakeups, [7, 8], queued(TEAM, 8)))
    assert wakeups.waiting == 0


def test_closing_ends_every_wait_at_once_and_says_so() -> None:
    async def main() -> tuple[list[bool], bool, float]:
        wakeups = ClaimWakeups()
        loop = asyncio.get_running_loop()
        since = loop.time()
        waits = [asyncio.create_task(wakeups.wait(team, 7, since, 30)) for team in (1, 2, 3)]
        await asyncio.sleep(0.01)
        assert wakeups.waiting == 3
        closed_at = loop.time()
        wakeups.close()
        ended = await asyncio.gather(*waits)
        later = await wakeups.wait(TEAM, 8, loop.time(), 30)  # a claim arriving afterwards
        return ended, later, loop.time() - closed_at

    ended, later, took = asyncio.run(main())
    assert ended == [False, False, False] and later is False
    assert took < 1  # not the 30 s they asked to wait
