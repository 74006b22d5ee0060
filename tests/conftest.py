"""Fixtures shared by the whole suite."""

from __future__ import annotations

import logging
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


@pytest.fixture(autouse=True)
def _shuttersense_logger_restored() -> Iterator[None]:
    """A test that sets logging up (a CLI's main, the app factory) leaves the `shuttersense`
    logger as it found it: a handler left writing to pytest's captured stderr, closed once the
    test ends, turns every later log line into a "Logging error" trace."""
    logger = logging.getLogger("shuttersense")
    handlers, level, marks = list(logger.handlers), logger.level, dict(vars(logger))
    yield
    for handler in list(logger.handlers):
        if handler not in handlers:
            logger.removeHandler(handler)
            handler.close()
    logger.setLevel(level)
    for name in set(vars(logger)) - set(marks):
        delattr(logger, name)
