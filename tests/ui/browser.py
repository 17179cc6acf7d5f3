"""Steps the browser tests share: log in, switch the focus, check the page width, screenshots."""

import os
from pathlib import Path

from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from pingji.users.otp import current_code, ensure_device
from pingji.users.roles import needs_otp

#: Every fixture user's password (``make_user`` in pingji/users/testing/fixtures.py).
PASSWORD = "pw"
#: Set to a folder to keep screenshots of the pages the tests visit (``shot``), e.g. for review.
SHOTS_DIR = os.environ.get("PINGJI_UI_SHOTS", "")


def login(page: Page, user, *, to: str = "", password: str = PASSWORD) -> Page:
    """Log in through the real form, as a person would, and wait to leave the login page.

    ``to`` is the page asked for before logging in (``?next=``); without it the login lands on
    the overview, whose map script costs a second or so to load on every login.
    """
    page.goto(f"/login/?next={to}" if to else "/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    page.click("#login button[type=submit]")
    if needs_otp(user):
        page.wait_for_url(lambda url: "/login/otp/" in url)
        enter_code(page, user)
    page.wait_for_url(lambda url: "/login/" not in url)
    return page


def enter_code(page: Page, user) -> None:
    """The two-factor step, with the code of a device the test gives the user (the person's
    authenticator app). A code is accepted once, so a second login within its 30 seconds would be
    refused: the device forgets the last code it took, as if the next one had come."""
    device = ensure_device(user)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    page.fill("#id_otp_token", current_code(device))
    page.click("#otp button[type=submit]")


def switch_focus(page: Page, name: str) -> None:
    """Pick a lower level in the jurisdiction switcher and wait for the page to follow."""
    page.locator(".crumbs .switcher select").select_option(label=name)
    expect(page.locator(".crumbs .current")).to_have_text(name)


def no_page_scroll(page: Page) -> bool:
    """The page itself does not scroll sideways (inner boxes such as a wide table may)."""
    return page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


def shot(page: Page, name: str) -> None:
    """Keep a full-page screenshot under ``$PINGJI_UI_SHOTS`` when it is set."""
    if SHOTS_DIR:
        Path(SHOTS_DIR).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS_DIR) / f"{name}.png"), full_page=True)


#: How long a picker may take to answer a typed name: the type-ahead waits for the typing to pause,
#: then asks the server, which shares its database connection with the test in these tests.
PICKER_TIMEOUT_MS = 20_000


def pick(page: Page, field: str, typed: str) -> None:
    """Type into the picker ``#id_<field>`` as a person would and choose its first answer."""
    box = page.locator(f"#id_{field}")
    box.fill("")
    box.press_sequentially(typed)
    option = page.locator(f"#id_{field}_list [role=option]").first
    expect(option).to_be_visible(timeout=PICKER_TIMEOUT_MS)
    option.click()
