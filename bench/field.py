"""The field app on a mid-range phone: the grid's lists opened offline, and a day's records synced.

Targets (docs/decisions/0045-offline-field-app.md): on a phone profile (Chromium's CPU slowed
4x through CDP ``Emulation.setCPUThrottlingRate``), the cached lists of a grid of ``--people``
residents under home monitoring open offline at least 5x faster than the online page, and a sync
of ``--records`` records at least 5x faster than as many online form submissions, in one run.

The run migrates a fresh embedded (SQLite) data dir, places ``--people`` residents of one grid
under home monitoring, gives them an open door check each hundred, and serves the platform with
gunicorn (two sync workers, as in production). In the system Chromium (``/usr/bin/chromium``,
headless, 375x740 like a phone), throttled 4x, the grid worker:

1. opens the online list (``/quarantine/today/``) ``--repeat`` times: the peer of (3);
2. makes ``--records`` check-ins through the online list's form, one submission (POST, redirect
   and the list again) each, timed as a whole: the peer of (5);
3. opens the field app online once (the day kept on the phone), the server is stopped, and the
   app is opened ``--repeat`` times from the phone (shell from the service worker, the day
   decrypted from IndexedDB, the lists drawn with every person in them), then checks, untimed and
   unthrottled, that scrolling the list down draws every one of the ``--people`` and that the
   search box finds the last;
4. records ``--records`` check-ins in the app, offline (unthrottled: this is set-up), scrolling
   down to the next card to check as a thumb would;
5. the server is started again and the worker taps "Sync now": the time until the app says what
   became of them (one request; each record through ``do_record_check``).

What is timed, on both sides of the opening: from a blank tab, the navigation to the page
until the list is usable. On the wall (``*_open_ms``): from Playwright's ``goto`` until a poll
of the page (every 10 ms) sees it usable. In the page (``*_in_page_ms``): the browser's own clock
from the navigation's start to the moment it became usable. Usable means, for the online list,
its load event has run (its 300 cards parsed, its scripts run); for the app, the day decrypted,
the lists drawn and the app ready, with all ``--people`` in the monitoring list. The app's lists
are virtual (docs/field.md): every person is in the list, only the cards near the screen in the
page, so step 3 checks they are all reachable. Neither side includes painting the frame after;
the app's painted time is given beside (``offline_app_painted_in_page_ms``). The online list
holds at most 300 cards, the app 2,000 people.

Prints one JSON line (``_common.emit``) with both sides of each comparison and their ratio.
``--open-only`` measures the opening alone; ``--trace PATH`` writes a Chrome trace of one more
offline open (what the profile in docs/field.md was read from).
"""

import argparse
import datetime
import os
import signal
import socket
import statistics
import subprocess
import sys
import time

from _common import embedded_env, emit, fresh_data_dir, setup_django

PASSWORD = "bench-pw-1"
GRID = "350322100001001"
CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 375, "height": 740}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, tries: int = 150) -> None:
    for _ in range(tries):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"nothing listens on {port}")


def serve(port: int, env: dict) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "pingji.wsgi:application", "--workers", "2"]
        + ["--bind", f"127.0.0.1:{port}", "--timeout", "300"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    wait_for_port(port)
    return server


def warm(port: int) -> None:
    """A few pages through each worker first: what a process loads once (the URL map, templates)
    is not part of what is measured, on either side."""
    import urllib.error
    import urllib.request

    for _ in range(6):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/") as answer:
                answer.read()
        except urllib.error.HTTPError as exc:
            raise SystemExit(f"the server answers {exc.code}: {exc.read()[-2000:]!r}") from exc


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(30)


def load(people: int) -> None:
    """The tree, a grid worker, ``people`` residents at home under monitoring, door checks."""
    from pingji.core import audit, clock
    from pingji.geo.choices import PlaceKind
    from pingji.geo.models import Jurisdiction, Place
    from pingji.people.models import Household, Person
    from pingji.protocols.versions import protocol_for
    from pingji.quarantine.choices import RegimeCategory, Setting
    from pingji.quarantine.models import Placement
    from pingji.tasks.choices import TaskKind
    from pingji.tasks.models import Task
    from pingji.users.choices import Role
    from pingji.users.models import User
    from pingji.users.testing.fixtures import TREE

    nodes: dict[str, Jurisdiction] = {}
    for code, name, level, parent in TREE:
        nodes[code] = Jurisdiction.objects.create(
            code=code, name=name, level=level, parent=nodes[parent] if parent else None
        )
    grid = nodes[GRID]
    User.objects.create_user(
        username="grid", password=PASSWORD, role=Role.GRID_WORKER, jurisdiction=grid
    )
    now, today = clock.now(), clock.today()
    protocol = protocol_for(GRID, now)
    with audit.loading("the field bench's grid"):
        place = Place.objects.create(
            jurisdiction=grid, kind=PlaceKind.COMPOUND, name="东门小区", address="东门路"
        )
        households = Household.objects.bulk_create(
            Household(jurisdiction=grid, place=place, address=f"东门路{n // 3 + 1}号{n % 3 + 1}室")
            for n in range(people)
        )
        persons = Person.objects.bulk_create(
            Person(jurisdiction=grid, household=h, name=f"居民{n:04d}")
            for n, h in enumerate(households)
        )
        Placement.objects.bulk_create(
            Placement(
                person=p,
                category=RegimeCategory.CLOSE_CONTACT,
                protocol=protocol,
                exposure_on=today - datetime.timedelta(days=10),
                centralized_days=0,
                home_quarantine_days=0,
                home_monitoring_days=14,
                planned_release_on=today + datetime.timedelta(days=4),
                planned_end_on=today + datetime.timedelta(days=4),
                setting=Setting.HOME,
                jurisdiction=grid,
                home=grid,
                placed_at=now - datetime.timedelta(days=3),
                last_check_on=today - datetime.timedelta(days=1),
            )
            for p in persons
        )
        Task.objects.bulk_create(
            Task(
                kind=TaskKind.DOOR_CHECK,
                title=f"入户排查 东门路{n + 1}号",
                jurisdiction=grid,
                deadline=now + datetime.timedelta(days=1),
            )
            for n in range(people // 100)
        )


def wait_until(page, expression: str, timeout: float = 300.0) -> None:
    """Poll ``expression`` in the page every 10 ms (through the devtools protocol: the page's
    Content-Security-Policy refuses the string evaluation of ``wait_for_function``)."""
    end = time.perf_counter() + timeout
    while True:
        try:
            if page.evaluate(expression):
                return
        except Exception:  # a navigation under way destroys the context being asked
            pass
        if time.perf_counter() > end:
            raise SystemExit(f"timed out waiting for {expression}")
        time.sleep(0.01)


#: When a page is open, on the browser's own clock from the start of its navigation (both sides
#: the same kind of event: the list is in the page, the page's own scripts have run, and it
#: answers a tap). The online list: its load event has run (its HTML parsed, its scripts run).
#: The app: the day decrypted and every list drawn, all the grid's people in the monitoring list
#: (a virtual list: its ``data-rows``, every one reachable by scrolling and by the search box,
#: which ``reach_every_card`` checks after the timing), and the app ready. Neither includes the
#: paint of the frame after it; the app's painted time is reported beside (``PAINTED``).
LOADED = "performance.getEntriesByType('navigation')[0].loadEventEnd"
FIRST_SCREEN = "window.fieldReadyAt"
DRAWN = "window.fieldDrawnAt"
PAINTED = "window.fieldPaintedAt"


def app_open(people: int) -> str:
    return (
        "document.getElementById('field').dataset.state === 'ready' && "
        f"{DRAWN} > 0 && document.getElementById('monitoring').dataset.rows === '{people}'"
    )


def reach_every_card(page, people: int) -> None:
    """The virtual list holds every person: scrolled from top to bottom, the cards drawn on the
    way are all of them; and the search box finds the last one. Not timed (unthrottled)."""
    seen = page.evaluate(
        """async () => {
            const ul = document.getElementById("monitoring");
            const seen = new Set();
            const frame = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
            window.scrollTo(0, 0);
            for (let i = 0; i < 100000; i++) {
                await frame();
                ul.querySelectorAll(":scope > li").forEach(li => seen.add(li.dataset.placement));
                if (ul.getBoundingClientRect().bottom <= innerHeight) break;
                window.scrollBy(0, innerHeight * 0.8);
            }
            window.scrollTo(0, 0);
            return seen.size;
        }"""
    )
    if seen != people:
        raise SystemExit(f"scrolling the app's list drew {seen} people of {people}")
    last = page.evaluate(
        "Array.from(document.querySelectorAll('#monitoring > li strong')).pop().textContent"
    )
    page.fill("#find", last)
    wait_until(page, "document.getElementById('monitoring').dataset.rows === '1'")
    page.fill("#find", "")
    wait_until(page, f"document.getElementById('monitoring').dataset.rows === '{people}'")


def next_to_check(page):
    """The first card drawn that still takes a check, scrolling down to it as a thumb would."""
    cards = page.locator("#monitoring > li:has(button[data-act=check])")
    for _ in range(10_000):
        if cards.count():
            return cards.first
        page.evaluate("window.scrollBy(0, innerHeight)")
        page.wait_for_timeout(20)
    raise SystemExit("no card left to check")


def timed_goto(page, url: str, ready: str, *opened: str) -> tuple[float, ...]:
    """Seconds on the wall to open ``url`` from a blank tab, then the milliseconds in the page
    of each of ``opened``."""
    page.goto("about:blank")
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    wait_until(page, ready)
    wall = time.perf_counter() - start
    return (wall, *(page.evaluate(o) for o in opened))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--records", type=int, default=500)
    parser.add_argument(
        "--online-records",
        type=int,
        default=None,
        help="online submissions actually made (default: --records); the online side of the "
        "comparison is then their mean time times --records",
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--throttle", type=float, default=4.0)
    parser.add_argument(
        "--open-only",
        action="store_true",
        help="measure the opening only (steps 1 and 3): for profiling; no sync figures",
    )
    parser.add_argument(
        "--trace",
        metavar="PATH",
        help="also write a Chrome trace (chrome://tracing, Perfetto) of one more offline open",
    )
    args = parser.parse_args()

    data_dir = fresh_data_dir("field")
    env = {**embedded_env(data_dir), "PINGJI_REQUIRE_OTP": "0", "PINGJI_DEBUG": "0"}
    subprocess.run(
        [sys.executable, "-m", "pingji.cli", "migrate", "--no-input"],
        env=env,
        check=True,
        capture_output=True,
    )
    setup_django(data_dir)
    started = time.perf_counter()
    load(args.people)
    load_s = time.perf_counter() - started

    # Playwright's sync API runs an event loop in this thread; the ORM reads between its steps.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    from django.db import connections

    connections.close_all()  # the server's workers write the same SQLite file
    port = free_port()
    base = f"http://localhost:{port}"
    servers = [serve(port, env)]
    try:
        figures = measure(args, base, port, env, servers)
        figures["load_s"] = round(load_s, 1)
    finally:
        for server in servers:
            if server.poll() is None:
                stop(server)
    emit("field", figures)


def measure(args, base: str, port: int, env: dict, servers: list) -> dict:
    from django.conf import settings
    from playwright.sync_api import sync_playwright

    from pingji.field.models import FieldRecord
    from pingji.quarantine.models import MonitoringCheck

    server = servers[0]
    warm(port)
    figures: dict = {"people": args.people, "records": args.records, "throttle": args.throttle}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(
            base_url=base, viewport=PHONE, is_mobile=True, has_touch=True, locale="en-US"
        )
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": base}])
        page = context.new_page()
        page.on("pageerror", lambda exc: print(f"page error: {exc}", file=sys.stderr))
        page.on(
            "console",
            lambda m: print(f"console: {m.text}", file=sys.stderr) if m.type == "error" else None,
        )
        page.set_default_timeout(120_000)
        cdp = context.new_cdp_session(page)

        def throttle(rate: float) -> None:
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})

        page.goto("/login/")
        page.fill("#id_username", "grid")
        page.fill("#id_password", PASSWORD)
        page.click("#login button[type=submit]")
        page.wait_for_url(lambda url: "/login/" not in url)
        throttle(args.throttle)

        # 1. the online list, as the grid worker opens it today
        loaded = f"document.readyState === 'complete' && {LOADED} > 0"
        online_open = [
            timed_goto(page, "/quarantine/today/", loaded, LOADED) for _ in range(args.repeat)
        ]
        cards_online = page.locator("#today > li").count()

        # 2. check-ins through the online list's form, one submission each
        online_records = 0 if args.open_only else args.online_records or args.records
        start = time.perf_counter()
        for _ in range(online_records):
            card = page.locator("#today > li:has(form)").first
            card.locator("summary").click()
            card.locator("input[name=temperature]").fill("36.6")
            with page.expect_navigation():
                card.locator("form button").click()
        online_submit = (time.perf_counter() - start) * args.records / max(online_records, 1)
        checked_online = MonitoringCheck.objects.count()

        # 3. the app opened online once, then from the phone with the server gone
        ready = "document.getElementById('field').dataset.state === 'ready'"
        settled = (
            "['ready', 'error', 'wiped'].includes(document.getElementById('field').dataset.state)"
        )
        timed_goto(page, "/field/", settled)
        if not page.evaluate(ready):
            raise SystemExit(f"the app did not open: {page.locator('#status').text_content()}")
        wait_until(page, "navigator.serviceWorker.controller !== null")
        wait_until(page, "!!document.querySelector('#kept').textContent.match(/kept/)")
        stop(server)
        full = app_open(args.people)
        offline_open, painted = [], []
        for _ in range(args.repeat):
            offline_open.append(timed_goto(page, "/field/", full, FIRST_SCREEN, DRAWN))
            wait_until(page, f"{PAINTED} > 0")
            painted.append(page.evaluate(PAINTED))
        figures["offline_app_painted_in_page_ms"] = round(statistics.median(painted), 1)
        steps = page.evaluate(
            """() => {
                const nav = performance.getEntriesByType("navigation")[0];
                const marks = performance.getEntriesByType("mark").map(m => [m.name, m.startTime]);
                const res = performance.getEntriesByType("resource").map(
                    r => [r.name.slice(-24), r.startTime, r.workerStart, r.responseEnd]);
                return {response_end: nav.responseEnd, dom_ready: nav.domContentLoadedEventEnd,
                        worker: nav.workerStart, ready: window.fieldReadyAt, marks, res};
            }"""
        )
        print(steps, file=sys.stderr)
        if args.trace:
            browser.start_tracing(page=page, path=args.trace)
            timed_goto(page, "/field/", full)
            browser.stop_tracing()
        throttle(1)
        reach_every_card(page, args.people)
        if args.open_only:
            browser.close()
            return open_figures(figures, online_open, offline_open, cards_online, args.people)

        # 4. a day's check-ins recorded offline (set-up: not throttled)
        for _ in range(args.records):
            card = next_to_check(page)
            card.locator("button[data-act=check]").click()
            card.locator("input[name=temperature]").fill("36.7")
            card.locator("form button.tap").click()
        wait_until(
            page, f"document.getElementById('queue').textContent.endsWith(' {args.records}')"
        )

        # 5. the server back, one tap on "Sync now"
        server = serve(port, env)
        servers.append(server)
        warm(port)
        throttle(args.throttle)
        start = time.perf_counter()
        page.click("#sync")
        wait_until(page, "!!document.querySelector('#status').textContent.match(/^Synced/)")
        sync_s = time.perf_counter() - start
        synced = FieldRecord.objects.filter(outcome="applied").count()
        # Of that, the sync request itself (the server's share, with the transfer).
        figures["sync_request_s"] = page.evaluate(
            """() => performance.getEntriesByType("resource")
                .filter(r => r.name.includes("/api/field/sync/"))
                .map(r => Math.round(r.duration) / 1000).pop()"""
        )
        browser.close()

    open_figures(figures, online_open, offline_open, cards_online, args.people)
    figures.update(
        {
            "online_submissions_s": round(online_submit, 2),
            "online_submissions_made": online_records,
            "online_checks_written": checked_online,
            "sync_s": round(sync_s, 2),
            "sync_applied": synced,
            "sync_ratio": round(online_submit / sync_s, 1),
        }
    )
    return figures


def open_figures(figures: dict, online_open, offline_open, cards_online: int, people: int):
    """Both sides of the opening, on the wall and in the page, and their ratios."""
    online_ms = statistics.median(o[0] for o in online_open) * 1000
    offline_ms = statistics.median(o[0] for o in offline_open) * 1000
    online_page_ms = statistics.median(o[1] for o in online_open)
    first_screen_ms = statistics.median(o[1] for o in offline_open)
    offline_page_ms = statistics.median(o[2] for o in offline_open)
    figures.update(
        {
            "online_list_open_ms": round(online_ms, 1),
            "online_list_cards": cards_online,
            "offline_app_open_ms": round(offline_ms, 1),
            "offline_app_cards": people,
            "open_ratio": round(online_ms / offline_ms, 1),
            "online_list_open_in_page_ms": round(online_page_ms, 1),
            "offline_app_open_in_page_ms": round(offline_page_ms, 1),
            "open_ratio_in_page": round(online_page_ms / offline_page_ms, 1),
            "offline_app_first_screen_in_page_ms": round(first_screen_ms, 1),
            "first_screen_ratio_in_page": round(online_page_ms / first_screen_ms, 1),
            "uptime": os.getloadavg(),
        }
    )
    return figures


if __name__ == "__main__":
    main()
