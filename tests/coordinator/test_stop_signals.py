"""A stop signal first ends what `stop` ends (the waiting claims), on the event loop, then
reaches the handler the server installed; a signal no server handles is left alone. The real
servers (serve, gunicorn, uvicorn) are stopped in tests/e2e/test_coordinator_stop.py."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterator
from types import FrameType

import pytest

from shuttersense.coordinator.stop_signals import on_stop_signals


@pytest.fixture
def keep_handlers() -> Iterator[None]:
    before = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    yield
    for sig, handler in before.items():
        signal.signal(sig, handler)


@pytest.mark.usefixtures("keep_handlers")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_stops_first_then_reaches_the_servers_handler(sig: int) -> None:
    seen: list[str] = []

    def server(_signum: int, _frame: FrameType | None) -> None:
        seen.append("server")

    signal.signal(sig, server)

    async def run() -> None:
        stopped = asyncio.Event()

        def stop() -> None:
            asyncio.get_running_loop()  # raises unless called on the loop
            seen.append("stop")
            stopped.set()

        with on_stop_signals(stop):
            signal.raise_signal(sig)
            await asyncio.wait_for(stopped.wait(), 10)
        assert signal.getsignal(sig) is server  # the server's handler is back

    asyncio.run(run())
    assert sorted(seen) == ["server", "stop"]


@pytest.mark.usefixtures("keep_handlers")
def test_a_signal_no_server_handles_is_left_alone() -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)

    async def run() -> None:
        with on_stop_signals(lambda: None):
            assert signal.getsignal(signal.SIGTERM) is signal.SIG_IGN

    asyncio.run(run())
