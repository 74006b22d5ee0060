"""The lane runs the fleet's database calls one at a time, in order, off the event loop."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from shuttersense.coordinator.api.lane import Lane


def test_calls_take_turns_in_the_order_they_came() -> None:
    lane = Lane()
    running, most, order = 0, 0, []
    guard = threading.Lock()

    def work(index: int) -> int:
        nonlocal running, most
        with guard:
            running += 1
            most = max(most, running)
        time.sleep(0.01)
        order.append(index)
        with guard:
            running -= 1
        return index * 2

    async def main() -> list[int]:
        calls = [lane.run(lambda i=i: work(i)) for i in range(6)]
        return await asyncio.gather(*calls)

    assert asyncio.run(main()) == [0, 2, 4, 6, 8, 10]
    assert most == 1
    assert order == list(range(6))


def test_the_loop_keeps_running_while_a_call_blocks() -> None:
    lane = Lane()
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.005)

    async def main() -> None:
        task = asyncio.create_task(ticker())
        await lane.run(lambda: time.sleep(0.1))
        task.cancel()

    asyncio.run(main())
    assert ticks >= 5


def test_one_lane_serves_successive_event_loops() -> None:
    lane = Lane()
    assert asyncio.run(lane.run(lambda: 1)) == 1
    assert asyncio.run(lane.run(lambda: 2)) == 2


def test_an_error_reaches_the_caller_and_frees_the_lane() -> None:
    lane = Lane()

    def fail() -> None:
        raise ValueError("broken")

    async def main() -> int:
        with pytest.raises(ValueError, match="broken"):
            await lane.run(fail)
        return await lane.run(lambda: 3)

    assert asyncio.run(main()) == 3
