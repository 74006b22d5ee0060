"""The bundle and its archives, built once per session (cached across runs by source hash)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.bundle import BuiltPackages


@pytest.fixture(scope="session")
def built() -> BuiltPackages:
    return BuiltPackages()


@pytest.fixture(scope="session")
def bundle(built: BuiltPackages) -> Path:
    """The one-folder bundle: `shuttersense` and its three links."""
    return built.bundle()


@pytest.fixture(scope="session")
def tarball(built: BuiltPackages) -> Path:
    return built.tarball()


@pytest.fixture(scope="session")
def deb(built: BuiltPackages) -> Path:
    return built.deb()
