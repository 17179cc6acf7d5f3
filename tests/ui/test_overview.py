"""The overview, the response-mode banner, and the jurisdiction breadcrumb and switcher."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from pingji.command.choices import Mode, ResponseLevel
from pingji.command.models import ModeSwitch
from pingji.geo.choices import Level
from pingji.geo.models import Jurisdiction
from pingji.geo.tests.factories import PlaceFactory
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.tasks.tests.factories import TaskFactory
from pingji.users.choices import Role

from .browser import login, no_page_scroll, shot, switch_focus

GRID = "350322100001001"
HULI_GRID = "350206001001001"
#: One page of each kind in the main navigation: the banner must be on all of them.
PAGES = ["/", "/tasks/", "/geo/jurisdictions/", "/geo/places/", "/people/", "/command/"]


def test_the_overview_shows_the_figures_of_the_focus_jurisdiction(page, tree, make_user):
    # given three residents in two households of 仙游县 and one resident of 湖里区
    grid, huli = tree[GRID], tree[HULI_GRID]
    first, second = HouseholdFactory(jurisdiction=grid), HouseholdFactory(jurisdiction=grid)
    PersonFactory.create_batch(2, household=first)
    PersonFactory(household=second)
    PersonFactory(household=HouseholdFactory(jurisdiction=huli))
    # and two open tasks in the county, one of them overdue, and one in 湖里区
    TaskFactory(jurisdiction=grid)
    TaskFactory(jurisdiction=grid, deadline=timezone.now() - timedelta(hours=2))
    TaskFactory(jurisdiction=huli)

    # when a county auditor opens the overview (the home of a role without a day of its own)
    login(page, make_user(Role.AUDITOR, "350322"))

    # then it counts the county's persons, households, open and overdue tasks, and no more
    expect(page.locator("main h1")).to_have_text("仙游县")
    expect(page.locator("#figures .big")).to_have_text(["3", "2", "2", "1"])
    expect(page.locator("#figures .overdue")).to_have_text("1")
    # and lists the level below with a link to it
    expect(page.locator("main table.list a")).to_have_text(["鲤城街道"])
    # and, with no boundaries loaded, says so in a line instead of an empty map
    expect(page.locator("#map")).to_have_attribute("data-ready", "1")
    expect(page.locator("#map")).to_have_class("empty")
    assert page.locator("#map").bounding_box()["height"] < 100
    shot(page, "overview-desktop")


def test_the_overview_fits_a_phone(new_page, make_user):
    # when an auditor of the grid opens the overview on a phone
    page = login(new_page(phone=True), make_user(Role.AUDITOR, GRID))

    # then the four figures sit two by two, and the page does not scroll sideways
    cards = page.locator("#figures .card")
    expect(cards).to_have_count(4)
    tops = [round(cards.nth(n).bounding_box()["y"]) for n in range(4)]
    assert tops[0] == tops[1] < tops[2] == tops[3]
    assert no_page_scroll(page)
    shot(page, "overview-phone")


def test_the_banner_says_peacetime_then_the_emergency_inherited_from_the_city(
    page, tree, make_user
):
    # given a county operator, and no switch anywhere
    login(page, make_user(Role.OPERATOR, "350322"), to="/people/")

    # then every page carries the peacetime banner
    for path in PAGES:
        page.goto(path)
        banner = page.locator("#mode-banner")
        expect(banner).to_have_class("mode mode-peacetime")
        expect(banner).to_contain_text("Peacetime")

    # when the city switches to emergency mode, level II
    ModeSwitch.objects.create(
        jurisdiction=tree["3503"],
        mode=Mode.EMERGENCY,
        level=ResponseLevel.II,
        reason="本土疫情",
        decided_by=make_user(Role.COMMANDER, "3503"),
    )

    # then every page of the county says emergency, and from whom it comes
    for path in PAGES:
        page.goto(path)
        banner = page.locator("#mode-banner")
        expect(banner).to_have_class("mode mode-emergency")
        expect(banner).to_contain_text("Emergency mode, response level II")
        expect(banner).to_contain_text("inherited from 莆田市")


def test_a_city_user_switches_down_to_a_county_and_the_lists_shrink_to_it(page, tree, make_user):
    # given a second county in 莆田市 with a place of its own, and one place in 仙游县
    licheng = Jurisdiction.objects.create(
        code="350304", name="荔城区", level=Level.COUNTY, parent=tree["3503"]
    )
    PlaceFactory(jurisdiction=licheng, name="荔城广场")
    PlaceFactory(jurisdiction=tree[GRID], name="东门小区")

    # when a city commander opens the places list
    login(page, make_user(Role.COMMANDER, "3503"), to="/geo/places/")

    # then the breadcrumb starts at the city, and both counties' places are listed
    expect(page.locator(".crumbs button")).to_have_text(["莆田市"])
    names = page.locator("table.list tbody td:first-child")
    expect(names).to_have_text(["荔城广场", "东门小区"])

    # when they switch to 仙游县
    switch_focus(page, "仙游县")

    # then they stay on the list, now of 仙游县 only, with the way back in the breadcrumb
    expect(page).to_have_url("/geo/places/")
    expect(page.locator(".crumbs button")).to_have_text(["莆田市", "仙游县"])
    expect(names).to_have_text(["东门小区"])
    expect(page.locator("main h1")).to_contain_text("1")

    # and the other lists follow the focus too
    page.goto("/geo/jurisdictions/")
    expect(page.locator("table.list tbody td:nth-child(2)")).to_have_text(["鲤城街道"])

    # when they climb back up through the breadcrumb
    page.goto("/geo/places/")
    page.locator(".crumbs button", has_text="莆田市").click()

    # then the city's whole list is back
    expect(page.locator(".crumbs .current")).to_have_text("莆田市")
    expect(names).to_have_text(["荔城广场", "东门小区"])


def test_a_county_user_sees_nothing_of_the_other_city(page, tree, make_user):
    # given a place in each city
    PlaceFactory(jurisdiction=tree[GRID], name="东门小区")
    huli_place = PlaceFactory(jurisdiction=tree[HULI_GRID], name="海山小区")

    # when a county operator of 仙游县 looks at the places
    login(page, make_user(Role.OPERATOR, "350322"), to="/geo/places/")

    # then only the county's place is listed, and the breadcrumb starts at their own county
    expect(page.locator("table.list tbody td:first-child")).to_have_text(["东门小区"])
    expect(page.locator(".crumbs button")).to_have_text(["仙游县"])
    expect(page.locator(".crumbs .switcher option")).not_to_contain_text(["湖里区"])

    # and the other city's place and jurisdiction do not exist for them
    for path in (huli_place.get_absolute_url(), "/geo/jurisdictions/3502/"):
        response = page.goto(path)
        assert response is not None and response.status == 404, path
        expect(page.locator("body")).not_to_contain_text("海山小区")
