"""Fixtures of the report tests."""

from __future__ import annotations

from tests.helpers.browser import browser  # noqa: F401 (a real headless Chromium)
