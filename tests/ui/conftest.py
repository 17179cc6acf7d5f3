"""Browser fixtures: Debian's headless Chromium driven by Playwright against ``live_server``.

One browser serves the whole session (starting Chromium costs about a second); every test gets
fresh contexts, so cookies, sessions and caches never leak from one test into the next. The
browser is the system's own ``/usr/bin/chromium``: Playwright never downloads one, which keeps
the suite runnable on a machine without internet, like the intranets Pingji is deployed on.

Pages are rendered in English (each context starts with the language selector's cookie set to
``en``): the assertions read the English source strings, which stay put whatever the Chinese
catalogue says. The tests of the default language open pages without it (``test_language.py``).
"""

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from playwright.sync_api import Error as PlaywrightError

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
#: A common small phone (CSS pixels): what a grid worker holds at the door.
PHONE = {"width": 375, "height": 740}
#: How long a step may take before the test fails; local pages answer in well under a second.
STEP_TIMEOUT_MS = 8_000
#: How long a page's last requests may take at the end of a test.
SETTLE_TIMEOUT_MS = 5_000

expect.set_options(timeout=STEP_TIMEOUT_MS)


@pytest.fixture(autouse=True)
def national_protocols(transactional_db) -> None:
    """The disease packs and national protocol editions, which a migration loads: a browser
    test runs against a live server on a database flushed after every such test, migration data
    included, so a later test would find no protocol in force without this."""
    from pingji.protocols.loading import load_national
    from pingji.protocols.models import Disease, Protocol

    load_national(Protocol, Disease, update=False)


@pytest.fixture(autouse=True)
def sync_jobs(settings) -> None:
    """Jobs run when their request commits, not in the embedded runner's thread: on the in-memory
    SQLite of these tests the live server, the test and that thread share one connection, and a
    job holding it open while a request begins fails the request ("cannot start a transaction
    within a transaction")."""
    settings.JOBS_BACKEND = "sync"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Chromium, launched once. A missing browser fails the tests: they are not optional.

    Playwright's sync API keeps an asyncio loop in this thread, and Django refuses ORM calls where
    it sees a running loop. The tests make ORM calls between browser steps in plain sync code, so
    the guard is lifted while the browser lives, and restored afterwards.
    """
    if not CHROMIUM.exists():
        pytest.fail(
            f"The browser tests need Debian's Chromium at {CHROMIUM}; install it with "
            "`apt-get install chromium` (Playwright must not download its own browser).",
            pytrace=False,
        )
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(browser, live_server) -> Iterator[Callable[..., Page]]:
    """Open a page in a fresh context (its own cookies): ``new_page(phone=True, language=None)``.

    Each page fails its test on an uncaught script error, which is how a broken map or API page
    would show in a browser and nowhere else.
    """
    contexts: list[BrowserContext] = []
    errors: list[str] = []

    def open_page(
        *, phone: bool = False, language: str | None = "en", locale: str = "en-US"
    ) -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            viewport=PHONE if phone else DESKTOP,
            is_mobile=phone,
            has_touch=phone,
            locale=locale,
            timezone_id="Asia/Shanghai",
            accept_downloads=True,
        )
        context.set_default_timeout(STEP_TIMEOUT_MS)
        if language:
            cookie = {"name": settings.LANGUAGE_COOKIE_NAME, "value": language}
            context.add_cookies([{**cookie, "url": live_server.url}])
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
        return page

    yield open_page
    for context in contexts:
        _settle(context)
        context.close()
    assert not errors, f"uncaught script errors: {errors}"


def _settle(context: BrowserContext) -> None:
    """Let what the pages still fetch be answered before the test's database is flushed: a
    request the live server is still serving holds locks that the flush's TRUNCATE waits on
    (PostgreSQL then reports a deadlock, and the next test finds the last one's rows)."""
    for open_page in context.pages:
        with contextlib.suppress(PlaywrightError):
            open_page.wait_for_load_state("networkidle", timeout=SETTLE_TIMEOUT_MS)


@pytest.fixture
def page(new_page) -> Page:
    """A desktop-sized page of its own context."""
    return new_page()
