"""The built bundle, not the source: its programs' versions, the coordinator it holds migrating
an empty folder, serving and reading a large upload in its parsing process, its agent
registering, self-testing and running a collection against that coordinator, its desktop app
starting and quitting on its own, and what it leaves out."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.large_upload import large_result, upload_finish
from benchmarks.load_fleet import enrol_fleet
from shuttersense.common import __version__
from tests.helpers.agent_process import AgentHome, wait_for
from tests.helpers.live_server import free_port
from tests.helpers.samples import FAMILY

PROGRAMS = ("shuttersense-desktop", "shuttersense-agent", "shuttersense-coordinator")
PASSWORD = "a long enough password for the bundle"


def run(command: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        command, env=env, input=stdin, capture_output=True, text=True, timeout=180, check=False
    )


@pytest.fixture
def home(tmp_path: Path) -> AgentHome:
    made = AgentHome(tmp_path / "home")
    made.base.mkdir()
    made.env["QT_QPA_PLATFORM"] = "offscreen"
    made.env["SHUSAI_DATA_DIR"] = str(tmp_path / "coordinator")
    return made


@pytest.mark.parametrize("program", PROGRAMS)
def test_each_program_says_the_package_version_by_its_name(bundle: Path, program: str) -> None:
    done = run([str(bundle / program), "--version"], dict(os.environ))
    assert (done.returncode, done.stdout) == (0, f"{program} {__version__}\n")


@pytest.mark.parametrize("program", ["desktop", "agent", "coordinator"])
def test_the_first_argument_names_the_program(bundle: Path, program: str) -> None:
    done = run([str(bundle / "shuttersense"), program, "--version"], dict(os.environ))
    assert (done.returncode, done.stdout) == (0, f"shuttersense-{program} {__version__}\n")


def test_without_a_program_named_it_is_the_desktop_app(bundle: Path) -> None:
    done = run([str(bundle / "shuttersense"), "--version"], dict(os.environ))
    assert (done.returncode, done.stdout) == (0, f"shuttersense-desktop {__version__}\n")


@pytest.fixture
def served(bundle: Path, home: AgentHome) -> Iterator[str]:
    """The bundled coordinator, migrated into an empty folder and serving on a free port."""
    coordinator = str(bundle / "shuttersense-coordinator")
    migrated = run([coordinator, "migrate"], home.env)
    assert migrated.returncode == 0, migrated.stderr
    assert (Path(home.env["SHUSAI_DATA_DIR"]) / "coordinator.db").is_file()
    port = free_port()
    log = (home.base / "coordinator.log").open("wb")
    server = subprocess.Popen(
        [coordinator, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=home.env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _health(base) or server.poll() is not None, 120, "the coordinator")
        assert server.poll() is None, (home.base / "coordinator.log").read_text()
        yield base
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()


def _health(base: str) -> dict | None:
    try:
        with urllib.request.urlopen(f"{base}/health", timeout=5) as answer:  # noqa: S310
            return json.loads(answer.read())
    except OSError:
        return None


def test_the_bundled_coordinator_migrates_an_empty_folder_and_answers_health(
    served: str,
) -> None:
    assert _health(served) == {"status": "healthy", "version": __version__, "database": "connected"}


def test_the_bundled_coordinator_serves_its_dashboard_and_assets(served: str) -> None:
    with urllib.request.urlopen(f"{served}/", timeout=10) as answer:  # noqa: S310
        page = answer.read().decode()
    stylesheet = re.search(r'href="(/assets/app\.[0-9a-f]+\.css)"', page)
    assert stylesheet, page[:2000]
    with urllib.request.urlopen(served + stylesheet.group(1), timeout=10) as answer:  # noqa: S310
        assert answer.status == 200
        assert answer.read()


def test_the_bundled_coordinator_reads_a_large_upload_in_its_parsing_process(
    home: AgentHome, served: str
) -> None:
    """The parsing process is spawned from the frozen executable (multiprocessing's own
    dispatch, before the bundle's): a 4 MiB result uploaded in chunks is stored."""
    database = Path(home.env["SHUSAI_DATA_DIR"]) / "coordinator.db"
    fleet = enrol_fleet(f"sqlite:///{database}", "unused", 1, 1, 1)
    document = json.dumps(large_result(100_000)).encode()
    assert len(document) > 3 * 2**20
    finished, _seconds = upload_finish(served, fleet.agent_keys[0], fleet.collections[0], document)
    assert finished.status_code == 200, finished.text
    assert finished.json()["result_guid"].startswith("res_")


def test_the_bundled_agent_registers_self_tests_and_runs_against_it(
    bundle: Path, home: AgentHome, served: str, tmp_path: Path
) -> None:
    coordinator = str(bundle / "shuttersense-coordinator")
    agent = str(bundle / "shuttersense-agent")
    user = ["create-user", "--email", "admin@studio.example", "--admin", "--password-stdin"]
    made = run([coordinator, *user], home.env, stdin=PASSWORD + "\n")
    assert made.returncode == 0, made.stderr
    token = run([coordinator, "create-registration-token"], home.env)
    assert token.returncode == 0, token.stderr
    photos = tmp_path / "photos"
    for name, content in FAMILY.items():
        path = photos / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else b"\0" * content)

    register = ["register", "--server", served, "--token", token.stdout.strip(), "--name", "Box"]
    registered = run([agent, *register], home.env)
    assert registered.returncode == 0, registered.stderr
    assert run([agent, "roots", "add", str(photos)], home.env).returncode == 0
    checked = run([agent, "self-test"], home.env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    ran = run([agent, "run", str(photos)], home.env)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert f"analysed {photos}: {len(FAMILY)} files" in ran.stdout
    assert "uploaded 2 result(s)" in ran.stdout  # PhotoStats and Photo Pairing, no pipeline


def test_the_bundled_desktop_app_sets_solo_mode_up_and_quits_on_its_own(
    bundle: Path, home: AgentHome
) -> None:
    """From an empty home: the bundle's own coordinator started (the same executable,
    dispatched), the local user made, this machine registered and its agent connected."""
    started = time.monotonic()
    done = run([str(bundle / "shuttersense-desktop"), "--quit-after-ready"], home.env)
    took = time.monotonic() - started
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("ShutterSense is ready (http://127.0.0.1:"), done.stdout
    solo = home.base / "data" / "shuttersense-agent" / "coordinator"
    assert (solo / "coordinator.db").stat().st_size > 0
    assert (solo / "secrets.json").is_file()
    print(f"bundled desktop: solo set-up to ready and quit in {took:.2f} s")  # performance.md


def test_the_bundle_leaves_out_the_qt_it_does_not_use(bundle: Path) -> None:
    names = [path.name for path in (bundle / "_internal").rglob("*")]
    for unused in ("Qml", "Quick", "WebEngine", "Multimedia", "Qt63D", "Pdf", "libqgtk3"):
        assert not [name for name in names if unused in name], unused
    assert "libQt6Widgets.so.6" in names


def test_no_library_of_the_bundle_searches_the_build_machine(bundle: Path) -> None:
    for path in (bundle / "_internal").rglob("*.so*"):
        if path.is_symlink():
            continue
        found = subprocess.run(
            ["patchelf", "--print-rpath", str(path)], capture_output=True, text=True, check=True
        ).stdout.strip()
        assert all(entry.startswith("$ORIGIN") for entry in found.split(":") if entry), path
