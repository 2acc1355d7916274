"""Browser fixtures: Debian's Chromium through Playwright, and a real ``workshop serve``."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    sync_playwright,
)

from tests.conftest import BACKEND, IN_CI
from tests.support.postgres import new_database
from tests.support.processes import LiveServer, workshop_env

# Browser contexts of the three kinds of screen, English UI for stable assertions.
CONSOLE: dict[str, Any] = {"viewport": {"width": 1440, "height": 900}, "locale": "en-GB"}
WALL: dict[str, Any] = {"viewport": {"width": 1920, "height": 1080}, "locale": "en-GB"}
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "en-GB",
}
# The realistic demo notes beside the checkout (shared/ is next to it, also in CI).
DEMO_NOTES = Path(__file__).resolve().parents[3] / "shared" / "data" / "demo-notes.csv"

CHROMIUM = os.environ.get("WORKSHOP_TEST_CHROMIUM", "/usr/bin/chromium")
# Flags that keep Chromium quiet on a machine without internet (no background fetches).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder as a browser test."""
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium; without it browser tests skip loudly, or fail under CI=true."""
    path = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if not path:
        message = (
            f"BROWSER TESTS NOT RUN: Chromium not found at {CHROMIUM}. "
            "Install Debian's package: apt-get install chromium"
        )
        if IN_CI:
            pytest.fail(message + " (CI=true: browser tests must run)")
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """Playwright's driver (it never downloads a browser here)."""
    with sync_playwright() as driver:
        yield driver


# Every page reports what the CSP refused; Chromium also logs it as a console error.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error("CSP violation: " + event.violatedDirective + " blocked " + event.blockedURI +
    " at " + event.sourceFile + ":" + event.lineNumber);
});
"""
CSP_VIOLATIONS: list[str] = []


def _watch_csp(context: BrowserContext) -> BrowserContext:
    context.add_init_script(script=CSP_LISTENER)

    def on_console(message: ConsoleMessage) -> None:
        text = message.text
        if message.type == "error" and (
            text.startswith("CSP violation") or "Content Security Policy" in text
        ):
            CSP_VIOLATIONS.append(f"{message.page.url if message.page else '?'}: {text}")

    context.on("console", on_console)
    return context


@pytest.fixture(scope="session")
def browser(playwright: Playwright, chromium_path: str) -> Iterator[Browser]:
    """One headless Chromium for the whole run; every context it opens watches for CSP errors."""
    instance = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
    new_context = instance.new_context

    def watched_context(**kwargs: Any) -> BrowserContext:
        return _watch_csp(new_context(**kwargs))

    def watched_page(**kwargs: Any) -> Page:
        # Like Browser.new_page: a context of its own, closed with the page.
        context = watched_context(**kwargs)
        page = context.new_page()
        page.on("close", lambda _page: context.close())
        return page

    instance.new_context = watched_context  # type: ignore[method-assign]
    instance.new_page = watched_page  # type: ignore[method-assign]
    yield instance
    instance.close()


@pytest.fixture(autouse=True)
def no_csp_violations() -> Iterator[None]:
    """Any browser test fails when a page broke the content security policy."""
    CSP_VIOLATIONS.clear()
    yield
    found = list(CSP_VIOLATIONS)
    CSP_VIOLATIONS.clear()
    assert not found, "Content Security Policy violations:\n" + "\n".join(found)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A real server process (gevent, websockets) on 127.0.0.1 with its own database.

    SQLite in its instance folder; with WORKSHOP_TEST_BACKEND=postgresql a new PostgreSQL
    database of its own, which the server migrates.
    """
    instance = tmp_path_factory.mktemp("live") / "instance"
    with ExitStack() as stack:
        url = f"sqlite:///{instance / 'workshop.db'}"
        if BACKEND == "postgresql":
            url = stack.enter_context(new_database("denktank_live"))
        server = LiveServer(workshop_env(instance, url)).start()
        stack.callback(server.stop)
        yield server


def screenshot_dir(fallback: Path) -> Path:
    """Where a test saves screenshots: WORKSHOP_SCREENSHOTS, or else ``fallback``."""
    wanted = os.environ.get("WORKSHOP_SCREENSHOTS")
    path = Path(wanted) if wanted else fallback
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The screenshot folder for a test module."""
    return screenshot_dir(tmp_path_factory.mktemp("shots"))
