"""The agent runtime inside the app: `shuttersense-agent start` as the app's child process.

The same runner as the headless agent (heartbeats, claims, offline results, sync: one runtime),
in a process of its own so that a scan of a million files never holds the app's interpreter
lock: the window stays responsive whatever the agent does. The app speaks to it on its stdin
(`pause`, `resume`, `stop`; the end of stdin, when the app quits or is killed, stops it too, and
its running job is handed back) and reads its state file, as `shuttersense-agent status` does.
Its log records come over stderr into the app's log.
"""

from __future__ import annotations

import contextlib
import logging
import subprocess
import threading
from collections.abc import Callable
from typing import IO, Any, cast

from shuttersense.desktop.agent.context import AGENT_KEY, AgentContext
from shuttersense.desktop.agent.errors import AgentError
from shuttersense.desktop.agent.runtime_state import read_state
from shuttersense.desktop.cli.main import NOT_REGISTERED

from .agent_control import AgentState, AgentStatus
from .child_commands import program_command
from .child_logs import ChildLog

__all__ = ["STOP_WAIT", "EmbeddedAgent", "status_from_state"]

log = logging.getLogger(__name__)

STOP_WAIT = 60.0  # seconds a stopping agent gets to hand its job back before it is killed


def status_from_state(state: dict[str, Any]) -> AgentStatus:
    """The tray's state for what a running agent's state file says."""
    if state.get("error"):
        return AgentStatus(AgentState.ERROR, reason=str(state["error"]))
    job = state.get("current_job")
    if job:  # a job runs to its end even when paused
        percent = state.get("percent")
        return AgentStatus(
            AgentState.WORKING, percent=None if percent is None else float(percent), job=job
        )
    if state.get("paused"):
        return AgentStatus(AgentState.PAUSED)
    if not state.get("online"):
        return AgentStatus(AgentState.OFFLINE, queued=int(state.get("queued") or 0))
    return AgentStatus(AgentState.IDLE)


class EmbeddedAgent:
    """An `AgentControl` running this machine's agent as a child process. Every method may
    block for a moment (a process to start or stop): call them on the worker pool."""

    can_pause = True
    can_run_all = True

    def __init__(
        self,
        context: AgentContext,
        run_all: Callable[[], object],
        *,
        log_level: str = "INFO",
        stop_wait: float = STOP_WAIT,
    ) -> None:
        """`run_all` queues every tool on this agent's collections (through the user API)."""
        self._context = context
        self._run_all = run_all
        self._log_level = log_level
        self._stop_wait = stop_wait
        self._lock = threading.RLock()
        self._process: subprocess.Popen[str] | None = None
        self._child_log: ChildLog | None = None
        self._paused = False

    @property
    def pid(self) -> int | None:
        with self._lock:
            return None if self._process is None else self._process.pid

    def start(self) -> None:
        """Start the agent when this machine is registered and it does not run yet."""
        with self._lock:
            if self._process is not None:
                if self._process.poll() is None:
                    return
                if self._process.stdin is not None:  # it ended on its own (an error)
                    self._process.stdin.close()
            if self._context.config.identity is None:
                return
            dirs = self._context.dirs
            command = program_command(
                "agent",
                "start",
                "--control-stdin",
                "--log-level",
                self._log_level,
                "--dirs",
                str(dirs.config),
                str(dirs.data),
                str(dirs.logs),
            )
            self._process = subprocess.Popen(  # noqa: S603 (our own program: program_command)
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
                bufsize=1,
            )
            stderr = cast(IO[str], self._process.stderr)  # a pipe, as asked
            self._child_log = ChildLog(stderr, "shuttersense.desktop.agent")
            log.info("agent runtime started (process %d)", self._process.pid)
            if self._paused:
                self._tell("pause")

    def status(self) -> AgentStatus:
        with self._lock:
            process = self._process
            if process is None:
                return AgentStatus(AgentState.STOPPED)
            code = process.poll()
            if code is not None:
                if code == 0:
                    return AgentStatus(AgentState.STOPPED)
                if code == NOT_REGISTERED:
                    return self._registration_lost()
                reason = self._child_log.last_error if self._child_log else None
                return AgentStatus(
                    AgentState.ERROR,
                    reason=reason or f"the agent ended (exit status {code}); see the log",
                )
        state = read_state(self._context.dirs.data)
        if state.get("pid") != process.pid or not state.get("running"):
            return AgentStatus(AgentState.PAUSED if self._paused else AgentState.OFFLINE)
        return status_from_state(state)

    def _registration_lost(self) -> AgentStatus:
        """The agent ended as NOT_REGISTERED: why, in the app's words (its own are logged)."""
        try:
            key_kept = bool(self._context.keys.get(AGENT_KEY))
        except AgentError:  # the key store cannot be read: say what the agent said
            key_kept = True
        why = (
            "the coordinator no longer accepts this computer's agent key (revoked, or unknown "
            "there)"
            if key_kept
            else "this computer's agent key is gone from the key store"
        )
        return AgentStatus(
            AgentState.ERROR,
            reason=f"{why}: choose Register this computer again… in the Overview (its collections "
            "with their results, and the results it kept, stay)",
            registration_lost=True,
        )

    def _tell(self, command: str) -> bool:
        process = self._process
        if process is None or process.poll() is not None or process.stdin is None:
            return False
        try:
            process.stdin.write(command + "\n")
            process.stdin.flush()
        except (BrokenPipeError, ValueError):  # it ended meanwhile
            return False
        return True

    def pause(self) -> None:
        with self._lock:
            self._paused = True
            self._tell("pause")

    def resume(self) -> None:
        """Resume; an agent that had ended (an error) is started again."""
        with self._lock:
            self._paused = False
            if not self._tell("resume"):
                self.start()

    def run_all_now(self) -> None:
        self._run_all()

    def stop(self) -> None:
        """Stop for good: the agent hands a running job back, then ends (killed after
        `stop_wait` seconds)."""
        with self._lock:
            process, self._process = self._process, None
        if process is None:
            return
        self._tell_process(process)
        try:
            process.wait(self._stop_wait)
        except subprocess.TimeoutExpired:
            log.warning("the agent did not stop within %.0f s: ended", self._stop_wait)
            process.kill()
            process.wait()
        if self._child_log is not None:
            self._child_log.join(5)
        log.info("agent runtime stopped (exit status %s)", process.returncode)

    @staticmethod
    def _tell_process(process: subprocess.Popen[str]) -> None:
        if process.stdin is None:
            return
        with contextlib.suppress(BrokenPipeError, ValueError):  # it ended already: no one to tell
            process.stdin.write("stop\n")
        with contextlib.suppress(BrokenPipeError, ValueError):
            process.stdin.close()  # also when it ended: the pipe is ours to close
