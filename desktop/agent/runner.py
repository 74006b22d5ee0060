"""The agent's main loop: heartbeats, long-poll claims, one audit at a time, outcomes delivered.

An audit is the jobs (one per tool) the coordinator queued together on a collection: claimed
together, run on one listing, their outcomes sent in one request. A job queued alone comes as an
audit of one.

Three threads: the caller's (claims audits, reports progress, delivers outcomes), a heartbeat
thread (every interval the coordinator asks for, commands such as cancel), and a worker for the
analysis itself, so heartbeats and progress go on during a long scan. An audit's outcomes are
kept in the offline store before they are sent; a coordinator that is down is retried with
backoff.

Every heartbeat names the jobs the agent holds (those of the audit it runs, those whose result
it keeps) and says whether a claim may be on its way back: the coordinator releases every other
job this agent's claims hold (docs/agent-protocol.md). So a claimed audit is recorded before the
claim is over, no claim starts while a heartbeat is on its way, and the first heartbeat goes
before the first claim (it releases what a killed predecessor left behind).

`stop()` and `pause()` may come from any thread (the desktop app's tray): both cut a claim's
long poll short at once (its socket is shut down). A paused agent claims nothing and says
`paused` in its heartbeats; an audit it runs when paused finishes and its outcomes are
delivered; kept results are still sent. `resume()` claims again at once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from shuttersense.common.agent_protocol import HeartbeatRequest

from .backoff import Backoff
from .client import CoordinatorClient
from .errors import AuthRefused, CoordinatorRefused, CoordinatorUnreachable
from .executor import Outcome, wire_outcome
from .offline_store import OfflineStore
from .roots import AuthorizedRoots
from .running_audit import RunningAudit, release_audit, report_refusal, send_progress
from .runtime_state import RuntimeState
from .sync import deliver, sync_pending

__all__ = ["AgentRunner", "RunnerSettings"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunnerSettings:
    heartbeat_interval: float = 30.0
    poll_wait: int = 30
    progress_interval: float = 1.0
    capabilities: tuple[str, ...] = field(default_factory=tuple)


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
        self._paused = threading.Event()
        self._wake = threading.Event()  # a paused loop looks again (resume, stop)
        self._beat_now = threading.Event()  # the heartbeat thread beats without waiting
        self.polling = False
        self.failure: AuthRefused | None = None  # why the coordinator sent us away
        self._audit: RunningAudit | None = None
        # Held by a heartbeat on its way, and to start or end a claim: a heartbeat saying no
        # claim is in flight stays true until it is answered.
        self._claims = threading.Lock()
        self._claiming = False
        self._first_beat = threading.Event()

    def stop(self) -> None:
        self.stopping.set()
        self._wake.set()
        self._beat_now.set()
        self._cut_long_poll()

    def pause(self) -> None:
        """Claim nothing more until `resume()`; a running audit finishes."""
        if self._paused.is_set():
            return
        self._paused.set()
        self._state.update(paused=True)
        log.info("agent paused: no new jobs until it is resumed")
        self._cut_long_poll()
        self._beat_now.set()

    def resume(self) -> None:
        if not self._paused.is_set():
            return
        self._paused.clear()
        self._state.update(paused=False)
        log.info("agent resumed")
        self._wake.set()
        self._beat_now.set()

    @property
    def paused(self) -> bool:
        return self._paused.is_set()

    def _cut_long_poll(self) -> None:
        if self.polling:
            self._client.abort()

    def _holding_back(self) -> bool:
        return self.stopping.is_set() or self._paused.is_set()

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
                    self._wait_after(backoff, str(exc))
                except AuthRefused:
                    raise
                except CoordinatorRefused as exc:  # e.g. 429: not the agent's key, try later
                    self._wait_after(backoff, str(exc))
        finally:
            self.stopping.set()
            beats.join(timeout=self._settings.heartbeat_interval)
            self._client.close()
            self._state.update(running=False, current_job=None)

    def _wait_after(self, backoff: Backoff, reason: str) -> None:
        delay = backoff.next()
        log.warning("%s; trying again in %.0f s", reason, delay)
        self.stopping.wait(delay)

    def _step(self) -> None:
        report = sync_pending(self._client, self._store)
        self._state.update(queued=self._store.counts()["pending"])
        if report.sent or report.dropped:
            log.info("sent %d kept result(s), dropped %d superseded", report.sent, report.dropped)
        if report.unreachable:
            raise CoordinatorUnreachable(report.unreachable)
        if self._paused.is_set():
            self._state.update(online=True)
            self._wake.wait(self._settings.heartbeat_interval)
            self._wake.clear()
            return
        audit = self._claim()
        self._state.update(online=True)
        if audit is None:
            return
        try:
            if self._holding_back():  # its claim was answered as it was being cut short
                release_audit(self._client, audit)
            else:
                self._run(audit)
        finally:
            self._audit = None
            self._state.update(current_job=None, percent=None)

    def _claim(self) -> RunningAudit | None:
        """Long-poll for an audit; it is the agent's (`_audit`) before the claim is over."""
        with self._claims:
            if self._holding_back():  # stopped or paused while a heartbeat was on its way
                return None
            self._claiming = True
        audit = None
        try:
            self.polling = True  # before looking again: stop() and pause() cut it from now
            try:
                claim = None
                if not self._holding_back():
                    claim = self._client.claim_audit(self._settings.poll_wait)
            except CoordinatorUnreachable:
                if not self._holding_back():
                    raise
                claim = None  # stop() or pause() cut the long poll short
            finally:
                self.polling = False
            audit = None if claim is None else RunningAudit(claim)
        finally:
            with self._claims:
                self._audit, self._claiming = audit, False
        return audit

    def _run(self, audit: RunningAudit) -> None:
        claim = audit.claim
        where = claim.collection.root_path if claim.collection else "no collection"
        tools = ", ".join(job.tool for job in claim.jobs)
        log.info("audit %s: %s on %s", audit.guid, tools, where)
        self._state.update(current_job=audit.jobs[0])
        outcomes: list[list[Outcome]] = []
        roots = self._roots()

        def work() -> None:
            outcomes.append(audit.run_jobs(roots))

        worker = threading.Thread(target=work, name=f"audit-{audit.guid}", daemon=True)
        worker.start()
        lost = False
        while worker.is_alive():
            worker.join(self._settings.progress_interval)
            if self.stopping.is_set():
                audit.cancel.set()
            if worker.is_alive() and not lost:
                lost = send_progress(self._client, audit)
                self._state.update(percent=audit.latest[1])
        if lost:
            log.warning("audit %s was taken away; its work is dropped", audit.guid)
        elif self.stopping.is_set() and all(o.kind == "fail" for o in outcomes[0]):
            release_audit(self._client, audit)
        else:
            self._deliver(audit, audit.without_cancelled(outcomes[0]))

    def _deliver(self, audit: RunningAudit, outcomes: list[Outcome]) -> None:
        tools = {job.job_guid: job.tool for job in audit.claim.jobs}
        collection = audit.claim.collection
        with self._claims:  # a heartbeat names the jobs as run or as kept, never as both
            key = self._store.add_audit_outcomes(
                audit.guid,
                audit.claim.claim_token,
                collection.guid if collection else None,
                [(tools[outcome.job_guid], wire_outcome(outcome)) for outcome in outcomes],
                root_path=collection.root_path if collection else None,
                collection_name=collection.name if collection else None,
            )
            self._audit = None
        try:
            delivery = deliver(self._client, self._store, key)
        except CoordinatorUnreachable:
            log.warning("audit %s done; outcomes kept until the coordinator is back", audit.guid)
            return
        if delivery.state == "rejected":
            report_refusal(self._client, audit, delivery)
        elif delivery.state == "taken":  # a `sync` beside the agent picked it up first
            log.info("audit %s done; another agent process is sending it", audit.guid)
        else:
            kinds = ", ".join(outcome.kind for outcome in outcomes)
            log.info("audit %s done (%s; %s)", audit.guid, kinds, delivery.state)

    def _heartbeat_body(self) -> HeartbeatRequest:
        audit = self._audit
        return HeartbeatRequest(
            status="busy" if audit else "paused" if self._paused.is_set() else "idle",
            current_jobs=audit.jobs if audit else [],
            kept_jobs=self._store.kept_jobs(),
            claim_in_flight=self._claiming,
            authorized_roots=self._roots().reported(),
            capabilities=list(self._settings.capabilities),
            metrics={"kept_results": self._store.counts()["pending"]},
        )

    def _heartbeats(self) -> None:
        client = self._connect()
        try:
            while True:
                try:
                    self._beat(client)
                finally:
                    self._first_beat.set()
                self._beat_now.wait(self._interval)
                self._beat_now.clear()
                if self.stopping.is_set():
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
        self._interval = float(answer.heartbeat_interval or self._interval)
        audit = self._audit
        if audit is None:
            return
        audit.cancel_as_told(answer.commands)
