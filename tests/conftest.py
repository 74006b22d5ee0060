"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from tests.helpers.coordinator_fixtures import (  # noqa: F401 (fixtures for the whole suite)
    db_url,
    empty_db_url,
    environ,
    migrated_pg_url,
    pg_admin_url,
    pg_databases,
    settings,
    sqlite_template,
)

# CI explores the same examples on every run, so a red build always means a real change;
# developers' runs keep exploring new ones.
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture
def shared_tree() -> Iterator[Path]:
    """A folder under /tmp that `nobody` can traverse (pytest's tmp_path base is private)."""
    base = Path(tempfile.mkdtemp(dir="/tmp", prefix="shuttersense-test-"))
    base.chmod(0o755)
    try:
        yield base
    finally:
        for folder, subfolders, _files in os.walk(base):
            for sub in subfolders:
                os.chmod(os.path.join(folder, sub), 0o700)
        shutil.rmtree(base)
