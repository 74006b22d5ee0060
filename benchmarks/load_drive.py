"""The traffic of the coordinator load benchmark, from one asyncio process.

- every agent heartbeats every `interval` seconds, the agents' start times spread evenly;
- each claiming agent loops: claim, one progress report, complete with a result signed with
  the claim's secret, as docs/agent-protocol.md describes. A claim asks first without waiting
  (timed) and, when there is no job, again with a long poll (not timed). With a `rate`, each
  agent starts one job every claimers/rate seconds, as if analysing in between, so the
  coordinator is offered that many jobs per second; without, the agents work flat out;
- a feeder keeps the queue at least `backlog` jobs deep, through the user API or in bulk.

Requests go through pools of HTTP/1.1 keep-alive connections (benchmarks/load_http.py): one
connection for each claiming agent, 16 shared by all heartbeats, 16 for the feeder, opened one
after the other before the load starts. Latencies are recorded only inside the measured window.
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from shuttersense.common.protocol import result_signature
from shuttersense.common.results import FilesByFolder, PhotoStatsResult

from .load_fleet import Fleet, JobQueue
from .load_http import Answer, ConnectionPool, HttpError

__all__ = ["Recorder", "Traffic", "complete_call", "drive", "progress_call"]

AGENT_API = "/api/agent/v1"
STATE_HASH = "f" * 64
_CREATORS = 16  # job creations in flight at most
_SHARED_POOL = 16  # connections for all the heartbeats
_CONNECT_GAP = 0.005  # seconds between opening two connections
RESULT = PhotoStatsResult(
    total_files=2,
    total_size=20,
    file_counts={".cr3": 1, ".xmp": 1},
    storage_by_type={".cr3": 10, ".xmp": 10},
    metadata_extensions=[".xmp"],
    paired_count=1,
    orphaned_images=FilesByFolder(),
    orphaned_sidecars=FilesByFolder(),
).model_dump(mode="json")


@dataclass
class Recorder:
    """Latencies (seconds) by call, error counts, and the jobs completed, once `recording`."""

    recording: bool = False
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)
    completed: int = 0
    empty_claims: int = 0

    async def timed(
        self, name: str, call: Awaitable[Answer], *, keep: bool = True
    ) -> Answer | None:
        started = time.perf_counter()
        try:
            answer = await call
        except HttpError as exc:
            if self.recording:
                self.errors[f"{name}: {type(exc).__name__}"] += 1
            return None
        if self.recording:
            if answer.status_code >= 400:
                self.errors[f"{name}: {answer.status_code}"] += 1
            elif keep and answer.status_code != 204:
                self.latencies.setdefault(name, []).append(time.perf_counter() - started)
        return answer

    def summary(self, seconds: float) -> dict[str, Any]:
        calls = {}
        for name, values in sorted(self.latencies.items()):
            cuts = (
                statistics.quantiles(values, n=100, method="inclusive")
                if len(values) > 1
                else values * 99
            )
            calls[name] = {
                "count": len(values),
                "per_second": len(values) / seconds,
                "p50_ms": cuts[49] * 1000,
                "p95_ms": cuts[94] * 1000,
                "p99_ms": cuts[98] * 1000,
                "max_ms": max(values) * 1000,
            }
        return {
            "jobs_completed": self.completed,
            "jobs_per_second": self.completed / seconds,
            "empty_claims": self.empty_claims,
            "calls": calls,
            "errors": dict(self.errors),
        }


@dataclass(frozen=True)
class Traffic:
    """The shape of the load."""

    claimers: int
    rate: float = 0.0  # jobs per second offered by the claiming agents together; 0: no pause
    heartbeat_interval: float = 30.0
    claim_wait: int = 10
    backlog: int = 400
    feed: str = "api"  # or "db"


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def _heartbeats(
    http: ConnectionPool, rec: Recorder, key: str, delay: float, every: float
) -> None:
    await asyncio.sleep(delay)
    headers = _bearer(key)
    while True:
        next_beat = time.monotonic() + every
        await rec.timed(
            "heartbeat",
            http.post(f"{AGENT_API}/heartbeat", headers, {"status": "idle"}),
        )
        await asyncio.sleep(max(0.0, next_beat - time.monotonic()))


async def _claim(
    http: ConnectionPool, rec: Recorder, headers: dict[str, str], wait: int
) -> dict[str, Any] | None:
    """The next job: asked for without waiting (timed), then, if there was none, with a long
    poll (not timed: its waiting is intended)."""
    url = f"{AGENT_API}/jobs/claim"
    answer = await rec.timed("claim", http.post(f"{url}?wait=0", headers))
    if answer is not None and answer.status_code == 204:
        if rec.recording:
            rec.empty_claims += 1
        answer = await rec.timed("long_poll", http.post(f"{url}?wait={wait}", headers), keep=False)
    if answer is None or answer.status_code >= 400:
        await asyncio.sleep(0.5)  # an error: do not spin on it
    return answer.json() if answer is not None and answer.status_code == 200 else None


def progress_call(
    http: ConnectionPool, headers: dict[str, str], claim: dict[str, Any]
) -> Awaitable[Answer]:
    """An agent's progress report on the job it claimed."""
    body = {"claim_token": claim["claim_token"], "stage": "scan", "percent": 50}
    return http.post(f"{AGENT_API}/jobs/{claim['job_guid']}/progress", headers, body)


def complete_call(
    http: ConnectionPool, headers: dict[str, str], claim: dict[str, Any]
) -> Awaitable[Answer]:
    """An agent's completion of the job it claimed, the result signed with the claim's secret."""
    guid = claim["job_guid"]
    body = {
        "claim_token": claim["claim_token"],
        "result": RESULT,
        "input_state_hash": STATE_HASH,
        "signature": result_signature(claim["claim_secret"], guid, STATE_HASH, RESULT),
    }
    return http.post(f"{AGENT_API}/jobs/{guid}/complete", headers, body)


async def _job(http: ConnectionPool, rec: Recorder, headers: dict[str, str], wait: int) -> None:
    """One job as an agent does it: claim, report progress, complete with a signed result."""
    claim = await _claim(http, rec, headers, wait)
    if claim is None:
        return
    await rec.timed("progress", progress_call(http, headers, claim))
    done = await rec.timed("complete", complete_call(http, headers, claim))
    if done is not None and done.status_code == 200 and rec.recording:
        rec.completed += 1


async def _work(
    http: ConnectionPool, rec: Recorder, key: str, wait: int, period: float, delay: float
) -> None:
    """Jobs one after the other; with a `period`, one job started every `period` seconds (the
    analysis an agent runs between claim and complete), after `delay`. An agent that falls
    behind starts its next job at once, without catching up on the ones it missed."""
    headers = _bearer(key)
    await asyncio.sleep(delay)
    start = time.monotonic()
    while True:
        await _job(http, rec, headers, wait)
        start = max(start + period, time.monotonic()) if period else start
        await asyncio.sleep(max(0.0, start - time.monotonic()))


async def _feed(
    http: ConnectionPool, rec: Recorder, fleet: Fleet, queue: JobQueue, traffic: Traffic
) -> None:
    """Keep the queue `backlog` jobs deep: count it twice a second; make the missing jobs in
    bulk, or through the API by _CREATORS requests in flight at all times."""
    headers = _bearer(fleet.api_token)
    turn = wanted = 0
    more = asyncio.Event()

    async def creator() -> None:
        nonlocal turn, wanted
        while True:
            await more.wait()
            wanted -= 1
            if wanted <= 0:
                more.clear()
            collection = fleet.collections[turn % len(fleet.collections)]
            turn += 1
            await rec.timed(
                "create_job",
                http.post(f"/api/collections/{collection}/jobs", headers, {"tool": "photostats"}),
            )

    creators = [asyncio.create_task(creator()) for _ in range(_CREATORS)]
    try:
        while True:
            missing = traffic.backlog - await asyncio.to_thread(queue.queued)
            if traffic.feed == "db" and missing > 0:
                await asyncio.to_thread(queue.add, missing)
            elif traffic.feed == "api":
                wanted = missing  # jobs still in flight count twice: a few too many at most
                if wanted > 0:
                    more.set()
                else:
                    more.clear()
            await asyncio.sleep(0.5)
    finally:
        for task in creators:
            task.cancel()


async def drive(
    base_url: str,
    fleet: Fleet,
    queue: JobQueue,
    traffic: Traffic,
    window: tuple[float, float],
    on_start: Callable[[], None],
) -> tuple[Recorder, float]:
    """Run the load for `window` = (warm-up, measured) seconds, calling `on_start` (in a
    thread) when the measured part begins; return what was recorded and the client's CPU
    seconds in it."""
    warmup, duration = window
    rec = Recorder()
    address = urlsplit(base_url)
    pools: list[ConnectionPool] = []

    def pool(connections: int) -> ConnectionPool:
        made = ConnectionPool(
            address.hostname or "127.0.0.1",
            address.port or 80,
            connections,
            traffic.claim_wait + 30.0,
        )
        pools.append(made)
        return made

    beats, feeder = pool(_SHARED_POOL), pool(_CREATORS)
    spread = traffic.heartbeat_interval / len(fleet.agent_keys)
    loops = [
        _heartbeats(beats, rec, key, index * spread, traffic.heartbeat_interval)
        for index, key in enumerate(fleet.agent_keys)
    ]
    period = traffic.claimers / traffic.rate if traffic.rate else 0.0
    for index, key in enumerate(fleet.agent_keys[: traffic.claimers]):
        # one connection each, as agents have; the paced agents' starts spread over a period
        delay = index * period / traffic.claimers
        loops.append(_work(pool(1), rec, key, traffic.claim_wait, period, delay))
    loops.append(_feed(feeder, rec, fleet, queue, traffic))
    for made in pools:
        # One by one: a burst of connections is accepted by whichever worker wakes first,
        # all of them at once (libuv accepts until the backlog is empty).
        await made.open(_CONNECT_GAP)
    tasks = [asyncio.create_task(loop) for loop in loops]
    # The fleet's thousands of long-lived objects out of the collector's full passes: those
    # paused this process (the measuring instrument) for a tenth of a second every 12 s.
    gc.collect()
    gc.freeze()
    try:
        await asyncio.sleep(warmup)
        await asyncio.to_thread(on_start)
        rec.recording = True
        cpu = time.process_time()
        await asyncio.sleep(duration)
        rec.recording = False
        cpu = time.process_time() - cpu
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for made in pools:
            made.close()
    gc.unfreeze()
    return rec, cpu
