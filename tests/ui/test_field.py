"""The field app in the browser: a grid worker's day without a network.

The server is taken away for real (stopped, then started again on the same port with the same
database): the browser's offline switch does not cover a service worker's requests. The worker
opens the app online, loses the server, reopens the app from the phone's copy, records checks, a
door visit and task evidence, sees logging out ask to sync first, and, once the server is back,
syncs: every record arrives once, the two that the world overtook meanwhile come back as
conflicts, and logging out leaves nothing on the phone.
"""

import datetime
import socket
from collections.abc import Iterator
from contextlib import suppress
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.db import connections
from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler
from playwright.sync_api import expect

from pingji.core import clock
from pingji.field.models import FieldRecord
from pingji.field.tests.conftest import GRID, at_home
from pingji.quarantine.choices import PlacementStatus, RegimeCategory
from pingji.quarantine.models import MonitoringCheck, Placement
from pingji.tasks.choices import TaskKind, TaskStatus
from pingji.tasks.models import Task
from pingji.tasks.tests.factories import TaskFactory
from pingji.users.choices import Role

from .browser import login, shot
from .conftest import PHONE, STEP_TIMEOUT_MS


class OneRequestHandler(QuietWSGIRequestHandler):
    """One request per connection: a stopped server leaves no kept-alive connection answering."""

    def handle(self):
        self.close_connection = True
        self.handle_one_request()
        with suppress(OSError):
            self.connection.shutdown(socket.SHUT_WR)


class ServerThread(LiveServerThread):
    def _create_server(self, connections_override=None):
        return self.server_class(
            (self.host, self.port),
            OneRequestHandler,
            allow_reuse_address=True,  # started again on the port it was stopped on
            connections_override=connections_override,
        )


class StoppableServer:
    """A live server on one port that can be stopped and started again, on the same database
    (the in-memory SQLite connection of the test, shared as pytest-django's live server does)."""

    def __init__(self) -> None:
        self.port = 0
        self.thread: ServerThread | None = None
        self.shared = {
            c.alias: c
            for c in connections.all()
            if c.vendor == "sqlite" and c.is_in_memory_db()  # type: ignore[attr-defined]
        }

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    def start(self) -> None:
        for conn in self.shared.values():
            conn.inc_thread_sharing()
        thread = ServerThread(
            "localhost", StaticFilesHandler, connections_override=self.shared, port=self.port
        )
        thread.daemon = True
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
        self.thread, self.port = thread, thread.port

    def stop(self) -> None:
        assert self.thread is not None
        self.thread.terminate()
        self.thread.join(5)
        for conn in self.shared.values():
            conn.dec_thread_sharing()
        self.thread = None


def until(page, expression: str, tries: int = 160) -> None:
    """Poll ``expression`` through the devtools protocol (``wait_for_function`` evaluates a
    string in the page, which its Content-Security-Policy refuses)."""
    for _ in range(tries):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(50)
    pytest.fail(f"never true: {expression}")


@pytest.fixture
def server(transactional_db, settings) -> Iterator[StoppableServer]:
    settings.ALLOWED_HOSTS = ["localhost"]
    running = StoppableServer()
    running.start()
    yield running
    if running.thread is not None:
        running.stop()


def test_a_day_in_the_field_without_a_network(browser, server, make_user, tree):
    worker = make_user(Role.GRID_WORKER, GRID)
    grid = tree[GRID]
    fine, fever, released = (
        at_home(grid, "陈某某", "东门路8号"),
        at_home(grid, "林某", "东门路9号"),
        at_home(grid, "黄某某", "东门路10号"),
    )
    door = TaskFactory(jurisdiction=grid, kind=TaskKind.DOOR_CHECK, title="入户排查 东门路")
    notice = TaskFactory(jurisdiction=grid, kind=TaskKind.GENERAL, title="张贴通告")

    context = browser.new_context(
        base_url=server.url,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale="en-US",
        timezone_id="Asia/Shanghai",
    )
    context.set_default_timeout(STEP_TIMEOUT_MS)
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": server.url}])
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    app = page.locator("#field")

    # Given the app opened once with a network: the day is kept on the phone
    login(page, worker, to="/field/")
    expect(app).to_have_attribute("data-state", "ready")
    expect(page.locator("#monitoring > li")).to_have_count(3)
    expect(page.locator("#kept")).to_contain_text("Lists kept on this phone")
    until(page, "navigator.serviceWorker.controller !== null")
    kept = page.evaluate("caches.keys()")
    assert kept == ["pingji-field-v1"]

    # When the server goes away and the app is opened again, it opens from the phone
    server.stop()
    page.reload()
    expect(app).to_have_attribute("data-state", "ready")
    expect(page.locator("#status")).to_contain_text("No network")
    expect(page.locator("#monitoring > li")).to_have_count(3)
    expect(page.locator("#tasks > li")).to_have_count(2)
    shot(page, "field-offline")

    # And the worker records the day's work offline
    def check_in(placement, temperature: str, *symptoms: str) -> None:
        card = page.locator(f'#monitoring > li[data-placement="{placement.pk}"]')
        card.get_by_role("button", name="Check in").click()
        card.locator("input[name=temperature]").fill(temperature)
        for symptom in symptoms:
            card.locator(f"input[name=symptoms][value={symptom}]").check()
        card.get_by_role("button", name="Record").click()
        expect(card.locator(".queued")).to_have_text("recorded, waiting to sync")

    check_in(fine, "36.5")
    check_in(fever, "38.2", "cough")
    check_in(released, "36.6")
    for task, button, text in (
        (door, "Door visit", "一户三人，均在家"),
        (notice, "Report the work", "通告已张贴"),
    ):
        card = page.locator(f'#tasks > li[data-task="{task.pk}"]')
        card.get_by_role("button", name=button).click()
        card.locator("textarea").fill(text)
        card.get_by_role("button", name="Submit").click()
        expect(card.locator(".queued")).to_be_visible()
    expect(page.locator("#queue")).to_have_text("Waiting to sync: 5")

    # Logging out with records still queued asks to sync first
    page.locator("#logout").click()
    expect(page.locator("#logout-ask")).to_contain_text("5 records are not synced yet")
    page.locator("#logout-cancel").click()

    # Meanwhile the office released one person and cancelled one task
    Placement.objects.filter(pk=released.pk).update(status=PlacementStatus.COMPLETED)
    Task.objects.filter(pk=notice.pk).update(status=TaskStatus.CANCELLED)

    # When the server is back and the worker syncs
    server.start()
    page.locator("#sync").click()
    expect(page.locator("#status")).to_contain_text("Synced: 3 recorded, 2 to look at.")
    expect(page.locator("#queue")).to_be_hidden()
    conflicts = page.locator("#conflicts li")
    expect(conflicts).to_have_count(2)
    expect(conflicts.filter(has_text="黄某某")).to_contain_text("completed")
    expect(conflicts.filter(has_text="张贴通告")).to_contain_text("cancelled takes no evidence")
    shot(page, "field-synced")

    # Then every record arrived once
    assert MonitoringCheck.objects.filter(placement=fine).count() == 1
    assert MonitoringCheck.objects.get(placement=fever).symptoms == ["cough"]
    assert not MonitoringCheck.objects.filter(placement=released).exists()
    assert Task.objects.get(pk=door.pk).status == TaskStatus.SUBMITTED
    outcomes = sorted(FieldRecord.objects.values_list("outcome", flat=True))
    assert outcomes == ["applied"] * 3 + ["conflict"] * 2
    page.locator("#sync").click()  # again: nothing left to send, nothing written twice
    expect(page.locator("#monitoring > li")).to_have_count(2)  # the released person is gone
    assert FieldRecord.objects.count() == 5

    # And logging out leaves nothing on the phone
    page.locator("#logout").click()
    page.wait_for_url(lambda url: "/login/" in url)
    left = page.evaluate(
        """async () => ({
            databases: (await indexedDB.databases()).map(d => d.name),
            caches: await caches.keys(),
            workers: (await navigator.serviceWorker.getRegistrations()).length,
        })"""
    )
    assert left == {"databases": [], "caches": [], "workers": 0}
    context.close()
    assert not errors, errors


def a_grid_of(grid, people: int) -> list[Placement]:
    """``people`` residents of ``grid`` at home under monitoring, each at their own address, in
    the list's order (the same rank; by address): the last placement is the last card."""
    from pingji.geo.choices import PlaceKind
    from pingji.geo.models import Place
    from pingji.people.models import Household, Person
    from pingji.protocols.versions import protocol_for

    today, now = clock.today(), clock.now()
    place = Place.objects.create(
        jurisdiction=grid, kind=PlaceKind.COMPOUND, name="东门小区", address="东门路"
    )
    households = Household.objects.bulk_create(
        Household(jurisdiction=grid, place=place, address=f"东门路{n + 1:04d}号")
        for n in range(people)
    )
    persons = Person.objects.bulk_create(
        Person(jurisdiction=grid, household=h, name=f"居民{n:04d}")
        for n, h in enumerate(households)
    )
    return Placement.objects.bulk_create(
        Placement(
            person=p,
            category=RegimeCategory.CLOSE_CONTACT,
            protocol=protocol_for(grid.code, now),
            exposure_on=today - datetime.timedelta(days=10),
            centralized_days=0,
            home_quarantine_days=0,
            home_monitoring_days=14,
            planned_release_on=today + datetime.timedelta(days=4),
            planned_end_on=today + datetime.timedelta(days=4),
            setting="home",
            jurisdiction=grid,
            home=grid,
            placed_at=now - datetime.timedelta(days=3),
            last_check_on=today - datetime.timedelta(days=1),
        )
        for p in persons
    )


def test_every_one_of_2000_people_is_found_and_checked_offline(browser, server, make_user, tree):
    """The lists are virtual (only the cards near the screen are in the page): the 2,000th
    person is reached by scrolling and checked in, another is found by the search box, a form
    being typed survives its card scrolling away, all with the server stopped."""
    worker = make_user(Role.GRID_WORKER, GRID)
    placements = a_grid_of(tree[GRID], 2000)
    context = browser.new_context(
        base_url=server.url, viewport=PHONE, is_mobile=True, has_touch=True, locale="en-US"
    )
    context.set_default_timeout(STEP_TIMEOUT_MS)
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": server.url}])
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    monitoring = page.locator("#monitoring")
    login(page, worker, to="/field/")
    expect(page.locator("#kept")).to_contain_text("Lists kept on this phone")
    until(page, "navigator.serviceWorker.controller !== null")
    server.stop()
    page.reload()
    expect(page.locator("#field")).to_have_attribute("data-state", "ready")
    expect(monitoring).to_have_attribute("data-rows", "2000")
    expect(page.locator("#monitoring-panel .count")).to_have_text("2000")
    assert page.locator("#monitoring > li").count() < 100  # only the cards near the screen

    # A check being typed stays in its card while the card scrolls away and back
    first = page.locator(f'#monitoring > li[data-placement="{placements[0].pk}"]')
    first.get_by_role("button", name="Check in").click()
    first.locator("input[name=note]").fill("在家")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight / 2)")
    until(page, f"!document.querySelector('[data-placement=\"{placements[0].pk}\"]')")
    page.evaluate("window.scrollTo(0, 0)")
    expect(first.locator("input[name=note]")).to_have_value("在家")
    first.get_by_role("button", name="Cancel").click()

    # The 2,000th person, at the bottom of the list, is reached by scrolling and checked in
    last = page.locator(f'#monitoring > li[data-placement="{placements[-1].pk}"]')
    for _ in range(20):
        if last.count():
            break
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_timeout(100)
    expect(last).to_contain_text("居民1999")
    last.get_by_role("button", name="Check in").click()
    last.locator("input[name=temperature]").fill("37.1")
    last.get_by_role("button", name="Record").click()
    expect(last.locator(".queued")).to_be_visible()

    # The search box finds a person by name and by address, offline
    page.fill("#find", "居民1234")
    expect(monitoring).to_have_attribute("data-rows", "1")
    found = page.locator(f'#monitoring > li[data-placement="{placements[1234].pk}"]')
    found.get_by_role("button", name="Check in").click()
    found.get_by_role("button", name="Record").click()
    expect(found.locator(".queued")).to_be_visible()
    page.fill("#find", "东门路0008号")
    expect(page.locator("#monitoring > li")).to_have_count(1)
    expect(page.locator("#monitoring > li")).to_contain_text("居民0007")
    page.fill("#find", "nobody of that name")
    expect(page.locator("#monitoring > li")).to_have_text("Nobody and nothing found.")
    page.fill("#find", "")
    expect(monitoring).to_have_attribute("data-rows", "2000")
    expect(page.locator("#queue")).to_have_text("Waiting to sync: 2")

    # Synced, the two checks reach the two people they were made for
    server.start()
    page.locator("#sync").click()
    expect(page.locator("#status")).to_contain_text("Synced: 2 recorded, 0 to look at.")
    checked = set(MonitoringCheck.objects.values_list("placement", "temperature"))
    assert checked == {(placements[-1].pk, Decimal("37.1")), (placements[1234].pk, Decimal("36.5"))}
    context.close()
    assert not errors, errors


def test_the_app_opens_from_the_phone_while_the_network_hangs(browser, server, make_user, tree):
    """A network that takes a connection and never answers (a basement, a lift): the service
    worker answers the shell from the phone at once, and the lists open, without waiting for it."""
    worker = make_user(Role.GRID_WORKER, GRID)
    at_home(tree[GRID], "陈某某", "东门路8号")
    context = browser.new_context(
        base_url=server.url, viewport=PHONE, is_mobile=True, has_touch=True, locale="en-US"
    )
    context.set_default_timeout(STEP_TIMEOUT_MS)
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": server.url}])
    page = context.new_page()
    login(page, worker, to="/field/")
    expect(page.locator("#kept")).to_contain_text("Lists kept on this phone")
    until(page, "navigator.serviceWorker.controller !== null")
    server.stop()
    with socket.create_server(("localhost", server.port), backlog=64) as hanging:
        page.goto("/field/", wait_until="commit")
        expect(page.locator("#field")).to_have_attribute("data-state", "ready", timeout=3_000)
        expect(page.locator("#monitoring > li.card")).to_have_count(1)
        context.close()
        assert hanging  # held open, never answering, until here
