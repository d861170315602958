"""Fixtures for journeys in a real browser: Debian's chromium driven by Playwright,
against the app served on loopback (the suite's database, PostgreSQL and Redis in CI).

Every test here is marked ``browser``; it is skipped, with the reason, when chromium or
Playwright is missing. ``page`` opens at ``live_url``. Helpers (``sign_in_page``,
``screenshot``, ``no_horizontal_scroll``, ``axe_violations``) are in
``lets_platform.web.testing``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from lets_platform.web.testing import live_server

CHROMIUM = os.environ.get("LETS_CHROMIUM", "/usr/bin/chromium")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def _missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"no chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    reason = _missing()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def live_url(ctx: Flask) -> Iterator[str]:
    """The app, served on a free loopback port for the test."""
    with live_server(ctx) as url:
        yield url


@pytest.fixture
def page(chromium: Any, live_url: str) -> Iterator[Any]:
    """A fresh browser context (no cookies) at phone-or-desktop width 1280, base URL set."""
    context = chromium.new_context(base_url=live_url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
