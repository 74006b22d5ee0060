"""The PyInstaller bundle and its Linux archives, built once for the test session and kept under
build/bundle-cache/ keyed by a hash of everything that goes into them (a second run of the tests
with the same sources reuses them). Test processes running side by side (pytest-xdist) take turns
through a lock file, so one builds and the others reuse what it built."""

from __future__ import annotations

import fcntl
import hashlib
import importlib.metadata
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

__all__ = ["ROOT", "BuiltPackages", "require_packaging_tool"]

ROOT = Path(__file__).resolve().parents[2]
_INPUTS = ("common", "coordinator", "desktop", "migrations", "packaging", "pyproject.toml")
_CACHE = ROOT / "build" / "bundle-cache"


def require_packaging_tool(available: bool, what: str) -> None:
    """Skip a test that cannot run here, unless SHUSAI_REQUIRE_PACKAGING=1 (CI): then it fails."""
    if available:
        return
    if os.environ.get("SHUSAI_REQUIRE_PACKAGING") == "1":
        pytest.fail(f"{what} (SHUSAI_REQUIRE_PACKAGING=1: this test must run here)")
    pytest.skip(what)


def _sources_key() -> str:
    digest = hashlib.sha256(importlib.metadata.version("pyinstaller").encode())
    for name in _INPUTS:
        path = ROOT / name
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            if file.is_file() and "__pycache__" not in file.parts:
                digest.update(str(file.relative_to(ROOT)).encode() + b"\0")
                digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


@contextmanager
def _turn() -> Iterator[None]:
    """One test process at a time in the cache."""
    _CACHE.mkdir(parents=True, exist_ok=True)
    with (_CACHE.parent / "bundle-cache.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class BuiltPackages:
    """`packaging/build.py` run for real, into build/bundle-cache/<key>/."""

    def __init__(self) -> None:
        key = _sources_key()
        self.folder = _CACHE / key
        self.work = _CACHE / "work"
        with _turn():
            for old in _CACHE.iterdir():
                if old.name not in (key, "work"):
                    shutil.rmtree(old)

    def _build(self, what: str, *extra: str) -> None:
        done = subprocess.run(
            [
                sys.executable,
                str(ROOT / "packaging" / "build.py"),
                what,
                f"--out={self.folder}",
                f"--work={self.work}",
                *extra,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, f"packaging/build.py {what} failed:\n{done.stderr[-5000:]}"

    def bundle(self) -> Path:
        folder = self.folder / "shuttersense"
        with _turn():
            if not (folder / "shuttersense").is_file():
                shutil.rmtree(folder, ignore_errors=True)
                self._build("bundle")
        return folder

    def _archive(self, what: str, pattern: str) -> Path:
        bundle = self.bundle()
        with _turn():
            found = sorted(self.folder.glob(pattern))
            if not found:
                self._build(what, f"--bundle={bundle}")
                found = sorted(self.folder.glob(pattern))
        (archive,) = found
        return archive

    def tarball(self) -> Path:
        return self._archive("tarball", "shuttersense-*-linux-*.tar.gz")

    def deb(self) -> Path:
        return self._archive("deb", "shuttersense_*.deb")
