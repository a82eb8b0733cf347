"""Real Chromium for page tests: one browser per session, pages that fail on any JS error.

Never `playwright install`: we drive Debian's /usr/bin/chromium. tests/conftest.py registers
the `browser` (one per module) and `pages` fixtures; a test module must not import them
again (that would start a second Playwright inside the first one's event loop). Request
the server fixture before `pages` in a test's arguments, so that pages close (and are
checked) before the server stops; a page still open when its server goes away logs
reconnect errors.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).parent / "artifacts"

# Chromium logs every 4xx answer as a console error. The pages show refusals to the user
# on purpose (a full service, a wrong password, /api/me before login), so those are fine;
# a 5xx, a script error or any other console error fails the test.
_EXPECTED_REFUSAL = re.compile(
    r"^Failed to load resource: the server responded with a status of 4\d\d"
)


@dataclass
class Pages:
    """Opens pages in fresh contexts and collects every error they report."""

    browser: Browser
    base_url: str = ""
    contexts: list[BrowserContext] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def open(
        self,
        url: str,
        width: int = 1920,
        height: int = 1080,
        locale: str = "zh-CN",
        fake_clock: bool = False,
    ) -> Page:
        context = self.browser.new_context(
            viewport={"width": width, "height": height},
            locale=locale,
            timezone_id="Europe/London",  # not the hall's zone: the pages must not depend on it
        )
        self.contexts.append(context)
        page = context.new_page()
        page.on("console", lambda m: self._console(url, m))
        page.on("pageerror", lambda e: self.problems.append(f"{url}: page error: {e}"))
        page.on(
            "response",
            lambda r: r.status >= 500 and self.problems.append(f"{url}: {r.status} from {r.url}"),
        )
        if fake_clock:
            page.clock.install()
        page.goto(url)
        return page

    def allow(self, pattern: str) -> None:
        """Accept console errors matching `pattern` (a test that stops the server on purpose)."""
        self.allowed.append(re.compile(pattern))

    def _console(self, url: str, message: ConsoleMessage) -> None:
        if message.type not in ("error", "warning"):
            return
        text = message.text
        if _EXPECTED_REFUSAL.match(text) or any(p.search(text) for p in self.allowed):
            return
        self.problems.append(f"{url}: console {message.type}: {text}")

    def check(self) -> None:
        assert not self.problems, "the pages reported errors:\n" + "\n".join(self.problems)

    def close(self) -> None:
        for context in self.contexts:
            context.close()
        self.contexts.clear()


def wait_true(page: Page, expression: str, timeout: float = 10_000) -> None:
    """Wait until a JS expression is true. Page.wait_for_function builds its predicate with
    eval, which the pages' Content-Security-Policy forbids (as it should); evaluating the
    expression from outside is allowed, so poll it, briefly, up to `timeout` ms."""
    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout / 1000:.0f} s for {expression}")
        page.wait_for_timeout(50)


def screenshot(page: Page, name: str) -> Path:
    """Save a PNG under tests/artifacts/ (git-ignored) for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


@pytest.fixture(scope="module", name="browser")
def browser_fixture() -> Iterator[Browser]:
    # One per test module, closed when it ends: Playwright's sync API keeps an event loop
    # running in this thread, and later modules call asyncio.run() themselves.
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(name="pages")
def pages_fixture(browser: Browser) -> Iterator[Pages]:
    p = Pages(browser)
    yield p
    try:
        p.check()
    finally:
        p.close()
