"""Each role's home in a real browser, at a desk and on a phone: no server error, no script error,
nothing cut off or wider than the phone, the grouped menu usable with one thumb, and every figure
equal to the count of the list it links to."""

import datetime
import re
from typing import cast

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from pingji.areas.tests.factories import RiskAreaFactory, TransitionFactory
from pingji.core import clock
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.quarantine.choices import Setting
from pingji.quarantine.models import Site, SiteStaff
from pingji.quarantine.tests.factories import PlacementFactory, RoomFactory, SiteFactory
from pingji.reopening.tests.factories import EstablishmentFactory
from pingji.tasks.choices import TaskKind
from pingji.tasks.tests.factories import TaskFactory
from pingji.tracing.tests.factories import DispatchFactory
from pingji.users.choices import Role

from .browser import login, shot
from .test_map import square

GRID = "350322100001001"
HULI_GRID = "350206001001001"
HOUR = datetime.timedelta(hours=1)
#: (role, jurisdiction, the panels its home must show).
ROLES = (
    (Role.COMMANDER, "350322", ["#decisions", "#backlog", "#mode", "#infections", "#rt", "#maps"]),
    (Role.EPIDEMIOLOGIST, "350322", ["#investigations", "#work", "#rt"]),
    (Role.OPERATOR, "350322", ["#dispatches", "#monitoring", "#placements", "#work", "#imports"]),
    (Role.SITE_MANAGER, "350322", ["#sites", "#tests-due", "#releases-due", "#work"]),
    (Role.LIAISON, "350322", ["#establishments", "#without-plan", "#work"]),
    (Role.GRID_WORKER, GRID, ["#monitoring", "#doors", "#work"]),
)

#: Everything on the page wider than its box, or reaching past the viewport: text cut off or
#: overflowing a phone. Scrolling boxes (a wide table's wrapper) and the plotly maps are theirs.
OVERFLOWS = """() => {
  const width = window.innerWidth, bad = [], page = document.scrollingElement.scrollWidth;
  if (page > width) bad.push("document " + page);
  for (const el of document.querySelectorAll("body *")) {
    if (el.closest(".table-wrap, .home-map, #map, script, style, svg, .menu-open")) continue;
    const style = getComputedStyle(el), box = el.getBoundingClientRect();
    if (style.display === "none" || style.visibility === "hidden" || !box.width) continue;
    const name = el.tagName + (el.id ? "#" + el.id : "");
    const cut = el.clientWidth && el.scrollWidth > el.clientWidth + 1;
    if (cut && style.display !== "inline") bad.push("cut " + name + " " + el.scrollWidth);
    if (box.right > width + 1 || box.left < -1) bad.push("outside " + name + " " + box.right);
  }
  return bad;
}"""


#: Whether every date field holds an ISO day, which the browser's date picker shows (one given
#: another form of date shows empty).
DATES_SHOWN = """() => [...document.querySelectorAll("input[type=date]")].every(
  (input) => /^\\d{4}-\\d{2}-\\d{2}$/.test(input.value))"""


def _home_data(tree, make_user) -> dict:
    """A bit of every panel's work in 仙游县, and the same in 湖里区 that no home may count."""
    today = clock.today()
    tree["350322100"].boundary = square(118.68, 25.36)
    tree["350322100"].save(update_fields=["boundary"])
    users = {role: make_user(role, code) for role, code, _panels in ROLES}
    for grid in (tree[GRID], tree[HULI_GRID]):
        TransitionFactory(area=RiskAreaFactory(jurisdiction=grid), status="proposed")
        EstablishmentFactory(jurisdiction=grid, status="inspected")
        EstablishmentFactory(jurisdiction=grid, status="paused", liaison=users[Role.LIAISON])
        DispatchFactory(home=grid)
        TaskFactory(jurisdiction=grid, deadline=timezone.now() - 2 * HOUR)
        PlacementFactory(
            person=PersonFactory(household=HouseholdFactory(jurisdiction=grid)),
            setting=Setting.HOME,
            planned_release_on=today - datetime.timedelta(days=3),
            planned_end_on=today + datetime.timedelta(days=4),
            next_test_on=today,
        )
    TaskFactory(jurisdiction=tree[GRID], assignee=users[Role.GRID_WORKER], kind=TaskKind.DOOR_CHECK)
    site = cast(
        Site, SiteFactory(jurisdiction=tree[GRID], name="城东隔离酒店（仙游县鲤城街道东门社区）")
    )
    SiteStaff.objects.create(site=site, user=users[Role.SITE_MANAGER])
    PlacementFactory(
        site=site,
        room=RoomFactory(site=site),
        person=PersonFactory(household=HouseholdFactory(jurisdiction=tree[GRID])),
        next_test_on=today,
        planned_release_on=today,
        planned_end_on=today + datetime.timedelta(days=7),
    )
    return users


def _number(text: str, *, last: bool = False) -> int:
    numbers = re.findall(r"\d+", text)
    return int(numbers[-1] if last else numbers[0])


def _assert_figures_equal_their_lists(page: Page) -> None:
    """Each figure of the home, followed to its list: the list's own count says the same."""
    home = page.url
    figures = page.locator("ul.figures li[data-key]")
    shown: dict[str, tuple[int, str]] = {
        figures.nth(n).get_attribute("data-key") or "": (
            int(figures.nth(n).locator(".n").inner_text()),
            figures.nth(n).locator("a").first.get_attribute("href") or "",
        )
        for n in range(figures.count())
    }
    assert shown, "no figure on the home"
    for key, (count, href) in shown.items():
        page.goto(href)
        heading = page.locator("main h1 .count").first.inner_text()
        if key == "my-overdue":
            listed = _number(page.locator("main h1 .overdue").inner_text()) if count else 0
        elif key.startswith("at-home"):
            listed = {
                "at-home": page.locator("#today li[data-placement]").count(),
                "at-home-overdue": page.locator("#today li.overdue").count(),
                "at-home-tests": page.locator("#today .tags .due").count(),
            }[key]
        else:
            listed = _number(heading)
        assert listed == count, f"{key}: the home says {count}, {href} lists {listed}"
    page.goto(home)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_each_roles_home_shows_its_day_and_fits_the_screen(new_page, tree, make_user, phone):
    users = _home_data(tree, make_user)
    for role, _code, panels in ROLES:
        page = login(new_page(phone=phone), users[role], to="/people/")
        response = page.goto("/")
        assert response is not None and response.status == 200, role

        for panel in panels:
            expect(page.locator(panel)).to_be_visible()
        if role == Role.COMMANDER:
            for chart in ("#map-infections", "#map-risk"):
                expect(page.locator(chart)).to_have_attribute("data-ready", "1")
            # the township's sealed area paints it the strictest colour, and the legend says so
            swatches = page.locator("#legend-risk .swatch")
            expect(swatches.first).to_have_css("background-color", "rgb(192, 57, 43)")
            expect(swatches.last).to_have_css("background-color", "rgb(238, 242, 246)")
        assert page.evaluate(OVERFLOWS) == [], role
        assert page.evaluate(DATES_SHOWN), role  # every date field holds a day it can show
        shot(page, f"home-{role}-{'phone' if phone else 'desktop'}")
        _assert_figures_equal_their_lists(page)


def test_a_county_commanders_home_counts_only_the_county(page, tree, make_user):
    users = _home_data(tree, make_user)
    login(page, users[Role.COMMANDER])

    expect(page.locator('#decisions [data-key="transitions-proposed"] .n')).to_have_text("1")
    expect(page.locator('#backlog [data-key="tasks-overdue"] .n')).to_have_text("1")
    expect(page.locator('#backlog [data-key="tasks-overdue"]')).to_have_class("alarm")
    expect(page.locator("#infections tbody tr")).to_have_count(2)  # the county and its township


def test_the_phone_menu_opens_with_one_thumb_and_fits(new_page, make_user):
    page = login(new_page(phone=True), make_user(Role.OPERATOR, "350322"), to="/people/")
    button, nav = page.locator("#menu-button"), page.locator("#main-nav")

    # the menu is one button at the bottom of the screen, and the groups are folded away
    expect(nav).to_be_hidden()
    box = button.bounding_box()
    assert box is not None and box["y"] + box["height"] >= 740 - 1 and box["width"] >= 370

    # when the thumb taps it, the groups open above it, inside the screen
    button.click()
    expect(nav).to_be_visible()
    expect(nav.locator("summary")).to_have_text(
        ["Today", "Response", "Reopening", "Command", "Readiness", "Data"]
    )
    nav.locator("summary", has_text="Response").click()
    expect(nav.get_by_role("link", name="Dispatches")).to_be_visible()
    assert page.evaluate(OVERFLOWS) == []

    # and a link in it leads there
    nav.get_by_role("link", name="Dispatches").click()
    expect(page).to_have_url(re.compile(r"/tracing/dispatches/$"))


def test_the_desktop_menu_opens_one_group_at_a_time(page, make_user):
    login(page, make_user(Role.GRID_WORKER, GRID), to="/people/")
    nav = page.locator("#main-nav")

    expect(page.locator("#menu-button")).to_be_hidden()
    expect(nav.locator("summary")).to_have_text(["Today", "Response", "Readiness"])
    nav.locator("summary", has_text="Response").click()
    expect(nav.get_by_role("link", name="Home monitoring today")).to_be_visible()
    nav.locator("summary", has_text="Today").click()
    expect(nav.get_by_role("link", name="Home monitoring today")).to_be_hidden()
    nav.get_by_role("link", name="My tasks").click()
    expect(page).to_have_url(re.compile(r"/tasks/$"))


def test_the_day_viewed_is_kept_between_pages_and_said_on_each(page, make_user):
    login(page, make_user(Role.COMMANDER, "350322"), to="/people/")

    page.locator("#day-viewed input[type=date]").fill("2021-09-11")
    page.locator("#day-viewed button").click()
    banner = page.locator("#as-of-banner")
    expect(banner).to_contain_text("Viewing as of 2021-09-11 — read-only")

    page.goto("/tasks/")
    expect(banner).to_contain_text("2021-09-11")
    expect(page.locator("#day-viewed input[type=date]")).to_have_value("2021-09-11")

    page.locator("#day-viewed .today-link").click()
    expect(banner).to_have_count(0)


#: Latin words a Chinese page may show: the product's name, the estimate's symbol, file formats, and
#: the language switch's own "English".
LATIN_ALLOWED = {"Pingji", "Rt", "API", "Excel", "Word", "PDF", "ID", "English"}


@pytest.mark.chinese
@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_each_roles_home_in_chinese_has_no_untranslated_word(new_page, tree, make_user, phone):
    """The default language, as an official opens it: every word of the home and of its open
    menu is Chinese, but for names the platform cannot translate (the user's own, codes)."""
    users = _home_data(tree, make_user)
    for role, _code, _panels in ROLES:
        user = users[role]
        page = login(new_page(phone=phone, language=None, locale="zh-CN"), user, to="/people/")
        page.goto("/")
        if phone:
            page.locator("#menu-button").click()
        text = page.locator("body").inner_text()
        words = set(re.findall(r"[A-Za-z]{3,}", text.replace(user.username, "")))
        assert words <= LATIN_ALLOWED, (role, sorted(words - LATIN_ALLOWED))
