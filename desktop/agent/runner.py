"""The agent's main loop: heartbeats, long-poll claims, one job at a time, results delivered.

Three threads: the caller's (claims jobs, reports progress, delivers outcomes), a heartbeat
thread (every interval the coordinator asks for, commands such as cancel), and a worker for the
analysis itself, so heartbeats and progress go on during a long scan. A result is kept in the
offline store before it is sent; a coordinator that is down is retried with backoff.

Every heartbeat names the jobs the agent holds (the one it runs, the ones whose result it keeps)
and says whether a claim may be on its way back: the coordinator releases every other job this
agent's claims hold (docs/agent-protocol.md). So a claimed job is recorded before the claim is
over, no claim starts while a heartbeat is on its way, and the first heartbeat goes before the
first claim (it releases what a killed predecessor left behind).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .client import CoordinatorClient
from .errors import AuthRefused, ClaimLost, CoordinatorRefused, CoordinatorUnreachable
from .executor import Outcome, execute_job
from .offline_store import OfflineStore
from .roots import AuthorizedRoots
from .runtime_state import RuntimeState
from .sync import deliver, sync_pending

__all__ = ["AgentRunner", "Backoff", "RunnerSettings"]

log = logging.getLogger(__name__)


class Backoff:
    """1 s, 2 s, 4 s … up to `ceiling`, back to the start after a success."""

    def __init__(self, ceiling: float = 60.0) -> None:
        self.ceiling = ceiling
        self._next = 1.0

    def next(self) -> float:
        delay, self._next = self._next, min(self._next * 2, self.ceiling)
        return delay

    def reset(self) -> None:
        self._next = 1.0


@dataclass(frozen=True)
class RunnerSettings:
    heartbeat_interval: float = 30.0
    poll_wait: int = 30
    progress_interval: float = 1.0
    capabilities: tuple[str, ...] = field(default_factory=tuple)


@dataclass
class _RunningJob:
    claim: dict[str, Any]
    cancel: threading.Event = field(default_factory=threading.Event)
    latest: tuple[str, float, dict[str, int], str] = ("initializing", 0.0, {}, "")

    @property
    def guid(self) -> str:
        return self.claim["job_guid"]

    def report(self, stage: str, percent: float, counts: dict[str, int], message: str) -> None:
        self.latest = (stage, percent, counts, message)


class AgentRunner:
    def __init__(
        self,
        connect: Callable[[], CoordinatorClient],
        store: OfflineStore,
        roots: Callable[[], AuthorizedRoots],
        state: RuntimeState,
        settings: RunnerSettings,
    ) -> None:
        self._connect = connect
        self._client = connect()
        self._store = store
        self._roots = roots
        self._state = state
        self._settings = settings
        self._interval = settings.heartbeat_interval
        self.stopping = threading.Event()
        self.polling = False
        self.failure: AuthRefused | None = None  # why the coordinator sent us away
        self._job: _RunningJob | None = None
        # Held by a heartbeat on its way, and to start or end a claim: a heartbeat saying no
        # claim is in flight stays true until it is answered.
        self._claims = threading.Lock()
        self._claiming = False
        self._first_beat = threading.Event()

    def stop(self) -> None:
        self.stopping.set()

    def run(self) -> None:
        """Work until `stop()`. AuthRefused (the key is no longer valid) ends the run: raised
        when a claim meets it, kept in `failure` when a heartbeat does."""
        beats = threading.Thread(target=self._heartbeats, name="heartbeat", daemon=True)
        beats.start()
        backoff = Backoff()
        try:
            self._first_beat.wait()
            while not self.stopping.is_set():
                try:
                    self._step()
                    backoff.reset()
                except CoordinatorUnreachable as exc:
                    self._state.update(online=False)
                    self._pause(backoff, str(exc))
                except AuthRefused:
                    raise
                except CoordinatorRefused as exc:  # e.g. 429: not the agent's key, try later
                    self._pause(backoff, str(exc))
        finally:
            self.stopping.set()
            beats.join(timeout=self._settings.heartbeat_interval)
            self._client.close()
            self._state.update(running=False, current_job=None)

    def _pause(self, backoff: Backoff, reason: str) -> None:
        delay = backoff.next()
        log.warning("%s; trying again in %.0f s", reason, delay)
        self.stopping.wait(delay)

    def _step(self) -> None:
        report = sync_pending(self._client, self._store)
        if report.sent or report.dropped:
            log.info("sent %d kept result(s), dropped %d superseded", report.sent, report.dropped)
        if report.unreachable:
            raise CoordinatorUnreachable(report.unreachable)
        job = self._claim()
        self._state.update(online=True)
        if job is None:
            return
        try:
            if self.stopping.is_set():
                self._release(job.claim)
            else:
                self._run(job)
        finally:
            self._job = None
            self._state.update(current_job=None)

    def _claim(self) -> _RunningJob | None:
        """Long-poll for a job; the job is the agent's (`_job`) before the claim is over."""
        with self._claims:
            if self.stopping.is_set():  # stopped while a heartbeat was on its way
                return None
            self._claiming = True
        job = None
        try:
            self.polling = True
            try:
                claim = self._client.claim(self._settings.poll_wait)
            finally:
                self.polling = False
            job = None if claim is None else _RunningJob(claim)
        finally:
            with self._claims:
                self._job, self._claiming = job, False
        return job

    def _run(self, job: _RunningJob) -> None:
        claim = job.claim
        where = (claim.get("collection") or {}).get("root_path", "no collection")
        log.info("job %s: %s on %s", job.guid, claim["tool"], where)
        self._state.update(current_job=job.guid)
        outcome: list[Outcome] = []
        roots = self._roots()

        def work() -> None:
            try:
                outcome.append(execute_job(claim, roots, job.report, job.cancel.is_set))
            except Exception as exc:  # a bug must fail the job, not kill the agent
                log.exception("job %s crashed", job.guid)
                outcome.append(Outcome("fail", error=f"the agent failed: {exc}", retryable=True))

        worker = threading.Thread(target=work, name=f"job-{job.guid}", daemon=True)
        worker.start()
        lost = False
        while worker.is_alive():
            worker.join(self._settings.progress_interval)
            if self.stopping.is_set():
                job.cancel.set()
            if worker.is_alive() and not lost:
                lost = self._progress(job)
        if lost:
            log.warning("job %s was taken away; its work is dropped", job.guid)
        elif self.stopping.is_set() and outcome[0].kind == "fail":
            self._release(claim)
        else:
            self._deliver(job, outcome[0])

    def _progress(self, job: _RunningJob) -> bool:
        """Report progress; True when the claim is lost. An unreachable coordinator is fine:
        the work goes on and its result is kept until it is back."""
        stage, percent, counts, message = job.latest
        body = {
            "claim_token": job.claim["claim_token"],
            "stage": stage,
            "percent": percent,
            "counts": counts,
            "message": message[:500],
        }
        try:
            answer = self._client.progress(job.guid, body)
        except ClaimLost:
            job.cancel.set()
            return True
        except (CoordinatorUnreachable, CoordinatorRefused) as exc:
            log.debug("progress of %s not sent: %s", job.guid, exc)
            return False
        if answer.get("cancel_requested"):
            job.cancel.set()
        return False

    def _deliver(self, job: _RunningJob, outcome: Outcome) -> None:
        token = job.claim["claim_token"]
        if outcome.kind == "fail":
            log.warning("job %s failed: %s", job.guid, outcome.error)
            try:
                self._client.fail(
                    job.guid, outcome.error, retryable=outcome.retryable, claim_token=token
                )
            except (ClaimLost, CoordinatorUnreachable) as exc:
                log.warning("could not report the failure of %s: %s", job.guid, exc)
            return
        key = self._store.add_job_result(
            outcome.kind, job.guid, token, job.claim["tool"], outcome.body
        )
        try:
            delivery = deliver(self._client, self._store, key)
        except CoordinatorUnreachable:
            log.warning("job %s done; result kept until the coordinator is back", job.guid)
            return
        if delivery.state == "rejected":  # do not leave the job to time out and run again
            error = f"the coordinator refused the result: {delivery.error}"
            self._deliver(job, Outcome("fail", error=error))
        elif delivery.state == "taken":  # a `sync` beside the agent picked it up first
            log.info(
                "job %s done (%s); another agent process is sending it", job.guid, outcome.kind
            )
        else:
            log.info("job %s done (%s, %s)", job.guid, outcome.kind, delivery.state)

    def _release(self, claim: dict[str, Any]) -> None:
        try:
            self._client.release(claim["job_guid"], claim_token=claim["claim_token"])
            log.info("released job %s on the way out", claim["job_guid"])
        except (CoordinatorUnreachable, CoordinatorRefused) as exc:
            log.warning("could not release job %s: %s", claim["job_guid"], exc)

    def _heartbeat_body(self) -> dict[str, Any]:
        job = self._job
        return {
            "status": "busy" if job else "idle",
            "current_job": job.guid if job else None,
            "kept_jobs": self._store.kept_jobs(),
            "claim_in_flight": self._claiming,
            "authorized_roots": self._roots().reported(),
            "capabilities": list(self._settings.capabilities),
            "metrics": {"kept_results": self._store.counts()["pending"]},
        }

    def _heartbeats(self) -> None:
        client = self._connect()
        try:
            while True:
                try:
                    self._beat(client)
                finally:
                    self._first_beat.set()
                if self.stopping.wait(self._interval):
                    return
        finally:
            client.close()

    def _beat(self, client: CoordinatorClient) -> None:
        try:
            with self._claims:
                answer = client.heartbeat(self._heartbeat_body())
        except CoordinatorUnreachable as exc:
            self._state.update(online=False)
            log.debug("heartbeat not sent: %s", exc)
            return
        except AuthRefused as exc:
            log.error("the coordinator refuses this agent's key (%s): register again", exc)
            self._state.update(online=False, error=str(exc))
            self.failure = exc
            self.stop()
            return
        except CoordinatorRefused as exc:  # e.g. 422 or 429: keep beating, the next may pass
            log.warning("heartbeat refused: %s", exc)
            return
        self._state.update(online=True, error=None)
        self._interval = float(answer.get("heartbeat_interval") or self._interval)
        job = self._job
        for command in answer.get("commands", []):
            if command.get("type") == "cancel_job" and job and command.get("job") == job.guid:
                log.info("job %s cancelled by the coordinator", job.guid)
                job.cancel.set()
