"""The agent's main loop against a fake coordinator: jobs done, cancelled, released, kept."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from shuttersense.common.listing import Listing
from shuttersense.common.progress import ProgressSink
from shuttersense.desktop.agent import executor
from shuttersense.desktop.agent.backoff import Backoff
from shuttersense.desktop.agent.client import CoordinatorClient
from shuttersense.desktop.agent.errors import AuthRefused
from shuttersense.desktop.agent.offline_store import OfflineStore
from shuttersense.desktop.agent.roots import AuthorizedRoots
from shuttersense.desktop.agent.runner import AgentRunner, RunnerSettings
from shuttersense.desktop.agent.runtime_state import RuntimeState, read_state
from tests.desktop.conftest import SERVER
from tests.desktop.fake_coordinator import AGENT_KEY, FakeCoordinator, audit_claim, make_claim
from tests.helpers.samples import PIPELINE

FAST = RunnerSettings(
    heartbeat_interval=0.05, poll_wait=0, progress_interval=0.05, capabilities=("tool:x",)
)


def wait_for(condition: Callable[[], Any], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still not true after {timeout} s")
        time.sleep(0.01)


class Running:
    """An AgentRunner working in a thread; whatever `run()` raises is kept in `error`."""

    def __init__(self, runner: AgentRunner) -> None:
        self.runner = runner
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.runner.run()
        except BaseException as exc:
            self.error = exc

    def stop(self, timeout: float = 5.0) -> None:
        self.runner.stop()
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "the runner did not stop"


@pytest.fixture
def state_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "state"
    folder.mkdir()
    return folder


@pytest.fixture
def start(
    fake: FakeCoordinator, store: OfflineStore, roots: AuthorizedRoots, state_folder: Path
) -> Iterator[Callable[..., Running]]:
    started: list[Running] = []

    def make(transport: httpx.BaseTransport | None = None) -> Running:
        """A runner on `fake`, or on `transport` (which passes the calls on to `fake`)."""
        transport = transport or fake.transport
        runner = AgentRunner(
            lambda: CoordinatorClient(SERVER, AGENT_KEY, transport=transport),
            store,
            lambda: roots,
            RuntimeState(state_folder),
            FAST,
        )
        started.append(Running(runner))
        return started[-1]

    yield make
    for running in started:
        running.stop()


@pytest.fixture
def slow_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    """Scanning takes 10 s, reporting every 10 ms like a big share does: only a cancellation
    ends a job early. (The real scan runs at the end, so an uncancelled job still completes.)"""
    real = executor.scan_collection

    def slow(root: Path, sink: ProgressSink | None = None) -> Listing:
        assert sink is not None
        for done in range(1000):
            sink.update("scanning", done * 100, None)
            time.sleep(0.01)
        return real(root, sink)

    monkeypatch.setattr(executor, "scan_collection", slow)


def results_sent(fake: FakeCoordinator) -> list[dict[str, Any]]:
    """The results (complete or NO_CHANGE outcomes) the runner sent."""
    return [
        outcome
        for call in fake.calls_to("complete")
        for outcome in call.body["outcomes"]
        if outcome["kind"] != "fail"
    ]


def test_backoff_doubles_up_to_the_ceiling_and_resets() -> None:
    backoff = Backoff(ceiling=5)
    assert [backoff.next() for _ in range(5)] == [1, 2, 4, 5, 5]
    backoff.reset()
    assert backoff.next() == 1


def test_a_job_completes_with_a_valid_signature(
    fake: FakeCoordinator,
    store: OfflineStore,
    photo_tree: Path,
    start: Callable[[], Running],
    state_folder: Path,
) -> None:
    fake.jobs.append(make_claim(photo_tree))
    running = start()
    wait_for(lambda: "job_0001" in fake.ended)
    wait_for(lambda: len(fake.calls_to("claim")) >= 3)  # and it goes on asking for work
    running.stop()
    assert running.error is None
    assert fake.ended == {"job_0001": "completed"}  # the fake checked the signature
    accepted = fake.accepted["job_0001"]
    assert accepted["claim_token"] == "tok_secret_1"
    assert accepted["result"]["orphaned_sidecars"]["by_folder"] == {"2024": ["AB3D0003.xmp"]}
    assert store.counts() == {"pending": 0, "rejected": 0}
    beat = fake.calls_to("heartbeat")[0]
    assert beat.authorization == f"Bearer {AGENT_KEY}"
    assert beat.body["authorized_roots"] == [str(photo_tree.resolve())]
    assert beat.body["capabilities"] == ["tool:x"]
    assert read_state(state_folder)["running"] is False


def test_a_job_outside_the_roots_is_reported_failed(
    fake: FakeCoordinator, tmp_path: Path, start: Callable[[], Running]
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    fake.jobs.append(make_claim(outside))
    running = start()
    wait_for(lambda: "job_0001" in fake.ended)
    running.stop()
    assert fake.ended == {"job_0001": "failed"}
    assert fake.accepted["job_0001"]["retryable"] is False
    assert "outside the authorized roots" in fake.accepted["job_0001"]["error"]


def test_a_missing_folder_fails_its_job_with_the_reason_and_the_agent_goes_on(
    fake: FakeCoordinator,
    store: OfflineStore,
    photo_tree: Path,
    tmp_path: Path,
    state_folder: Path,
) -> None:
    gone = tmp_path / "card"
    gone.mkdir()
    roots = AuthorizedRoots.load([str(gone), str(photo_tree)], environ={})
    gone.rmdir()  # the card was taken out
    fake.jobs.extend([make_claim(gone), make_claim(photo_tree, number=2)])
    runner = AgentRunner(
        lambda: CoordinatorClient(SERVER, AGENT_KEY, transport=fake.transport),
        store,
        lambda: roots,
        RuntimeState(state_folder),
        FAST,
    )
    running = Running(runner)
    wait_for(lambda: len(fake.ended) == 2)
    running.stop()
    assert fake.ended == {"job_0001": "failed", "job_0002": "completed"}
    assert fake.accepted["job_0001"]["error"] == f"refused by the agent: {gone} does not exist"
    assert running.error is None


@pytest.mark.usefixtures("slow_scan")
def test_cancel_requested_in_a_progress_answer_stops_the_job(
    fake: FakeCoordinator, photo_tree: Path, start: Callable[[], Running]
) -> None:
    fake.jobs.append(make_claim(photo_tree))
    fake.cancel_requested.add("job_0001")
    began = time.monotonic()
    running = start()
    wait_for(lambda: "job_0001" in fake.ended)
    assert time.monotonic() - began < 2
    running.stop()
    assert fake.ended == {"job_0001": "failed"}
    assert "cancelled" in fake.accepted["job_0001"]["error"]
    assert results_sent(fake) == []
    assert all(call.body["stage"] == "scanning" for call in fake.calls_to("progress")[1:])


@pytest.mark.usefixtures("slow_scan")
def test_a_cancel_command_in_a_heartbeat_stops_the_job(
    fake: FakeCoordinator, photo_tree: Path, start: Callable[[], Running]
) -> None:
    fake.jobs.append(make_claim(photo_tree))
    running = start()
    wait_for(lambda: fake.calls_to("progress"))
    fake.commands.append({"type": "cancel_job", "job": "job_0001"})
    asked = time.monotonic()
    wait_for(lambda: "job_0001" in fake.ended)
    assert time.monotonic() - asked < 2  # the next heartbeat is at most 1 s away
    running.stop()
    assert fake.ended == {"job_0001": "failed"}
    assert "cancelled" in fake.accepted["job_0001"]["error"]
    busy = [call.body for call in fake.calls_to("heartbeat") if call.body["status"] == "busy"]
    assert busy
    assert busy[-1]["current_jobs"] == ["job_0001"]


@pytest.mark.usefixtures("slow_scan")
def test_a_cancel_command_for_another_job_is_ignored(
    fake: FakeCoordinator, photo_tree: Path, start: Callable[[], Running]
) -> None:
    fake.heartbeat_interval = 0
    fake.jobs.append(make_claim(photo_tree))
    running = start()
    wait_for(lambda: fake.calls_to("progress"))
    fake.commands.append({"type": "cancel_job", "job": "job_9999"})
    wait_for(lambda: not fake.commands)
    time.sleep(0.2)
    assert fake.ended == {}
    running.stop()


@pytest.mark.usefixtures("slow_scan")
def test_a_job_taken_away_is_dropped_without_a_word(
    fake: FakeCoordinator, photo_tree: Path, start: Callable[[], Running]
) -> None:
    fake.jobs.append(make_claim(photo_tree))
    running = start()
    wait_for(lambda: fake.calls_to("progress"))
    claims = len(fake.calls_to("claim"))
    fake.ended["job_0001"] = "given to another run"  # its token now gets 409
    wait_for(lambda: len(fake.calls_to("claim")) > claims, timeout=2)  # back to asking for work
    running.stop()
    paths = [call.path for call in fake.calls]
    progress = [i for i, path in enumerate(paths) if path.endswith("/progress")]
    claimed = [i for i, path in enumerate(paths) if path == "/audits/claim"]
    assert len(progress) >= 2
    assert progress[-1] < claimed[claims]  # no progress once it heard 409
    assert fake.calls_to("fail") == fake.calls_to("complete") == fake.calls_to("release") == []


@pytest.mark.usefixtures("slow_scan")
def test_stop_during_a_job_releases_it(
    fake: FakeCoordinator, photo_tree: Path, start: Callable[[], Running]
) -> None:
    fake.jobs.append(make_claim(photo_tree))
    running = start()
    wait_for(lambda: fake.calls_to("progress"))
    began = time.monotonic()
    running.stop(timeout=2)
    assert time.monotonic() - began < 2
    assert running.error is None
    assert fake.ended == {"job_0001": "released"}
    assert fake.accepted["job_0001"] == {"claim_token": "tok_secret_1"}
    assert fake.calls_to("fail") == fake.calls_to("complete") == []


def test_an_unreachable_coordinator_at_completion_keeps_the_result_until_it_is_back(
    fake: FakeCoordinator, store: OfflineStore, photo_tree: Path, start: Callable[[], Running]
) -> None:
    fake.jobs.append(make_claim(photo_tree))
    fake.fail_next("complete", 503, "down")
    running = start()
    wait_for(lambda: fake.calls_to("complete"))
    assert store.counts()["pending"] == 1  # kept on disk while the coordinator is away
    assert "job_0001" not in fake.ended
    wait_for(lambda: "job_0001" in fake.ended)
    running.stop()
    assert fake.ended == {"job_0001": "completed"}
    sent = [call.body for call in fake.calls_to("complete")]
    assert len(sent) == 3
    assert sent[0] == sent[1] == sent[2]  # the same signed result, not a new analysis
    assert store.counts() == {"pending": 0, "rejected": 0}


def test_results_kept_from_an_earlier_run_are_sent_first(
    fake: FakeCoordinator, store: OfflineStore, start: Callable[[], Running]
) -> None:
    claim = make_claim("/photos")
    fake.hand_out(claim)
    store.add_job_result(
        "no-change",
        claim["job_guid"],
        claim["claim_token"],
        "photostats",
        {"input_state_hash": "a" * 64, "source_result_guid": "res_1"},
    )
    running = start()
    wait_for(lambda: "job_0001" in fake.ended and fake.calls_to("claim"))
    running.stop()
    assert fake.ended == {"job_0001": "no_change"}
    first_calls = [call.path for call in fake.calls if call.path != "/heartbeat"][:2]
    assert first_calls == ["/jobs/job_0001/no-change", "/audits/claim"]


def test_auth_refused_by_a_heartbeat_stops_the_runner(
    fake: FakeCoordinator, start: Callable[[], Running], state_folder: Path
) -> None:
    fake.fail_next("heartbeat", 401)
    running = start()
    running.thread.join(2)
    assert not running.thread.is_alive(), "the runner kept going with a refused key"
    assert isinstance(running.runner.failure, AuthRefused)
    state = read_state(state_folder)
    assert state["running"] is False
    assert "scripted 401" in state["error"]


def test_auth_refused_by_a_claim_ends_the_run_with_the_error(
    fake: FakeCoordinator, start: Callable[[], Running]
) -> None:
    fake.fail_next("claim", 403)
    running = start()
    running.thread.join(2)
    assert not running.thread.is_alive()
    assert isinstance(running.error, AuthRefused)


def test_a_refused_heartbeat_does_not_end_the_heartbeats(
    fake: FakeCoordinator, start: Callable[[], Running]
) -> None:
    fake.heartbeat_interval = 0
    fake.fail_next("heartbeat", 422)
    running = start()
    wait_for(lambda: len(fake.calls_to("heartbeat")) >= 3, timeout=2)
    running.stop()
    assert running.error is None


def test_a_refused_result_fails_the_job_instead_of_leaving_it_to_time_out(
    fake: FakeCoordinator, store: OfflineStore, photo_tree: Path, start: Callable[[], Running]
) -> None:
    fake.jobs.append(make_claim(photo_tree))
    fake.fail_next("complete", 422)
    running = start()
    wait_for(lambda: "job_0001" in fake.ended)
    running.stop()
    assert fake.ended == {"job_0001": "failed"}
    assert "refused the result" in fake.accepted["job_0001"]["error"]
    assert store.counts() == {"pending": 0, "rejected": 1}  # kept for inspection


def test_a_refused_claim_is_tried_again_later(
    fake: FakeCoordinator, photo_tree: Path, start: Callable[[], Running]
) -> None:
    fake.fail_next("claim", 429)
    fake.jobs.append(make_claim(photo_tree))
    running = start()
    wait_for(lambda: "job_0001" in fake.ended)
    running.stop()
    assert running.error is None and fake.ended == {"job_0001": "completed"}


def _endpoint(request: httpx.Request) -> str:
    return request.url.path.rstrip("/").rsplit("/", 1)[-1]


def test_the_first_heartbeat_goes_alone_before_the_first_claim(
    fake: FakeCoordinator, photo_tree: Path, start: Callable[..., Running]
) -> None:
    """It tells the coordinator, with no claim on its way, which jobs this agent holds: a job a
    killed predecessor held is released at once."""
    fake.jobs.append(make_claim(photo_tree))
    events: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        endpoint = _endpoint(request)
        events.append(f"{endpoint} sent")
        if endpoint == "heartbeat" and len(fake.calls_to("heartbeat")) == 0:
            time.sleep(0.3)  # a slow answer: nothing else may start meanwhile
        answer = fake.handle(request)
        events.append(f"{endpoint} answered")
        return answer

    running = start(httpx.MockTransport(handle))
    wait_for(lambda: "job_0001" in fake.ended)
    running.stop()
    assert events[:3] == ["heartbeat sent", "heartbeat answered", "claim sent"]
    first = fake.calls_to("heartbeat")[0].body
    assert (first["claim_in_flight"], first["current_jobs"], first["kept_jobs"]) == (False, [], [])


@pytest.mark.usefixtures("slow_scan")
def test_heartbeats_tell_of_a_claim_on_its_way_and_then_name_its_job(
    fake: FakeCoordinator, photo_tree: Path, start: Callable[..., Running]
) -> None:
    """A heartbeat handled while the claim's answer travels says a claim is in flight; once the
    answer is in, heartbeats name the job, before its first progress report too."""
    fake.heartbeat_interval = 0  # the runner's own 50 ms
    fake.jobs.append(make_claim(photo_tree))
    claim_out, beat_during, beat_after = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, dict[str, Any]] = {}

    def handle(request: httpx.Request) -> httpx.Response:
        endpoint = _endpoint(request)
        if endpoint == "progress":  # held until a heartbeat came after the claim
            beat_after.wait(5)
        answer = fake.handle(request)
        if endpoint == "claim" and answer.status_code == 200:
            claim_out.set()
            beat_during.wait(5)  # the answer is held back until a heartbeat came meanwhile
        elif endpoint == "heartbeat" and claim_out.is_set():
            body = json.loads(request.content)
            if not beat_during.is_set():
                seen["during"] = body
                beat_during.set()
            elif not beat_after.is_set() and body["current_jobs"]:
                seen["after"] = body
                beat_after.set()
        return answer

    running = start(httpx.MockTransport(handle))
    wait_for(lambda: fake.calls_to("progress"))
    running.stop()
    assert seen["during"]["claim_in_flight"] is True and seen["during"]["current_jobs"] == []
    assert seen["after"]["current_jobs"] == ["job_0001"] and seen["after"]["status"] == "busy"
    assert seen["after"]["claim_in_flight"] is False
    claimed = next(i for i, call in enumerate(fake.calls) if call.path == "/audits/claim")
    later = [call.body for call in fake.calls[claimed + 1 :] if call.path == "/heartbeat"]
    # What the coordinator relies on: from the claim on, no heartbeat leaves the job out
    # unless it says a claim is in flight.
    assert all(body["current_jobs"] == ["job_0001"] or body["claim_in_flight"] for body in later)


def test_a_job_whose_result_is_kept_is_named_until_the_result_is_sent(
    fake: FakeCoordinator, store: OfflineStore, photo_tree: Path, start: Callable[..., Running]
) -> None:
    fake.heartbeat_interval = 0  # the runner's own 50 ms
    fake.jobs.append(make_claim(photo_tree))
    fake.fail_next("complete", 503, "down")  # kept, then still out of reach for a second

    def beats() -> list[dict[str, Any]]:
        return [call.body for call in fake.calls_to("heartbeat")]

    running = start()
    wait_for(lambda: any(beat["kept_jobs"] == ["job_0001"] for beat in beats()))
    assert store.counts()["pending"] == 1 and "job_0001" not in fake.ended
    wait_for(lambda: "job_0001" in fake.ended)
    sent = len(beats())
    wait_for(lambda: len(beats()) > sent + 1)
    running.stop()
    kept = [beat for beat in beats() if beat["kept_jobs"]]
    # no longer run, still held: the runner keeps the outcomes and ends the run under the lock a
    # heartbeat holds, so no beat names a job as both
    assert all(beat["current_jobs"] == [] for beat in kept)
    assert beats()[-1]["kept_jobs"] == []


def test_a_paused_runner_claims_nothing_and_says_so_until_resumed(
    fake: FakeCoordinator, photo_tree: Path, start: Callable[[], Running], state_folder: Path
) -> None:
    fake.heartbeat_interval = 0  # the runner's own 50 ms
    running = start()
    wait_for(lambda: fake.calls_to("claim"))
    running.runner.pause()
    assert read_state(state_folder)["paused"] is True
    wait_for(lambda: fake.calls_to("heartbeat")[-1].body["status"] == "paused")
    claims = len(fake.calls_to("claim"))
    fake.jobs.append(make_claim(photo_tree))
    beats = len(fake.calls_to("heartbeat"))
    wait_for(lambda: len(fake.calls_to("heartbeat")) >= beats + 5)  # a quarter of a second
    assert len(fake.calls_to("claim")) <= claims + 1  # at most the one cut short by the pause
    assert fake.ended == {} and fake.jobs  # the job waits for the agent to be resumed
    running.runner.resume()
    wait_for(lambda: fake.ended == {"job_0001": "completed"})
    assert read_state(state_folder)["paused"] is False
    assert fake.calls_to("heartbeat")[-1].body["status"] in ("idle", "busy")
    running.stop()
    assert running.error is None


@pytest.mark.usefixtures("slow_scan")
def test_a_job_running_when_the_runner_is_paused_finishes_and_is_delivered(
    fake: FakeCoordinator, photo_tree: Path, start: Callable[[], Running]
) -> None:
    fake.jobs.append(make_claim(photo_tree))
    running = start()
    wait_for(lambda: fake.calls_to("progress"))
    running.runner.pause()
    fake.jobs.append(make_claim(photo_tree, number=2))
    wait_for(lambda: "job_0001" in fake.ended, timeout=30)
    assert fake.ended == {"job_0001": "completed"}
    assert [job["job_guid"] for job in fake.jobs] == ["job_0002"]  # not claimed while paused
    running.stop()
    assert running.error is None


def three_jobs(root: Path) -> dict[str, Any]:
    tools = ("photostats", "photo_pairing", "pipeline_validation")
    return audit_claim(
        *(
            make_claim(root, tool, number=n, pipeline=PIPELINE)
            for n, tool in enumerate(tools, start=1)
        )
    )


def test_an_audit_is_claimed_once_and_its_results_go_in_one_request(
    fake: FakeCoordinator, store: OfflineStore, photo_tree: Path, start: Callable[[], Running]
) -> None:
    fake.jobs.append(three_jobs(photo_tree))
    running = start()
    wait_for(lambda: len(fake.ended) == 3)
    running.stop()
    assert fake.ended == dict.fromkeys(("job_0001", "job_0002", "job_0003"), "completed")
    [sent] = fake.calls_to("complete")  # the fake checked each signature
    assert sent.path == "/audits/adt_0001/complete"
    assert [o["job_guid"] for o in sent.body["outcomes"]] == ["job_0001", "job_0002", "job_0003"]
    assert store.counts() == {"pending": 0, "rejected": 0}


@pytest.mark.usefixtures("slow_scan")
def test_a_job_of_an_audit_cancelled_alone_is_left_out_and_the_others_complete(
    fake: FakeCoordinator, photo_tree: Path, start: Callable[[], Running]
) -> None:
    fake.jobs.append(three_jobs(photo_tree))
    fake.cancel_requested.add("job_0002")
    running = start()
    wait_for(lambda: len(fake.ended) == 3, timeout=20)  # the slow scan runs to its end
    running.stop()
    assert fake.ended == {"job_0001": "completed", "job_0002": "failed", "job_0003": "completed"}
    assert "cancelled" in fake.accepted["job_0002"]["error"]
    busy = [call.body for call in fake.calls_to("heartbeat") if call.body["status"] == "busy"]
    assert busy and all(b["current_jobs"] == ["job_0001", "job_0002", "job_0003"] for b in busy)


@pytest.mark.usefixtures("slow_scan")
def test_cancelling_every_job_of_an_audit_stops_its_scan(
    fake: FakeCoordinator, photo_tree: Path, start: Callable[[], Running]
) -> None:
    fake.jobs.append(three_jobs(photo_tree))
    running = start()
    wait_for(lambda: fake.calls_to("progress"))
    fake.cancel_requested.update({"job_0001", "job_0002", "job_0003"})
    asked = time.monotonic()
    wait_for(lambda: len(fake.ended) == 3)
    assert time.monotonic() - asked < 5  # the scan alone takes 10 s
    running.stop()
    assert set(fake.ended.values()) == {"failed"}
    assert results_sent(fake) == []
