"""The situation room in a real browser: charts drawn offline, drill-down, the large screen."""

from urllib.parse import urlsplit

from playwright.sync_api import expect

from pingji.analytics.tests.conftest import outbreak, province_epi  # noqa: F401 — fixtures
from pingji.users.choices import Role

from .browser import login, shot
from .test_map import leaves_the_machine


def test_commander_reads_the_situation_and_drills_down(page, outbreak, make_user):  # noqa: F811
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    # when the province's commander opens the situation room as of 20 September 2021
    login(page, make_user(Role.COMMANDER, "35"), to="/reports/situation/35/?on=2021-09-20")
    # then the headline has the totals since the outbreak began, and the charts are drawn
    expect(page.locator('#headline [data-key="cum_new_confirmed"] .big')).to_have_text("7")
    for chart in ("#chart-curve", "#chart-onset", "#chart-channel", "#chart-rt"):
        expect(page.locator(chart)).to_have_attribute("data-ready", "1")
    # seven cases are too few for the renewal model: the room says so instead of a forecast
    expect(page.locator("#chart-forecast")).not_to_have_attribute("data-ready", "1")
    expect(page.locator("#chart-forecast ~ p.empty")).to_contain_text("No forecast")
    shot(page, "situation-room")
    assert [url for url in requests if leaves_the_machine(url)] == []
    assert any(urlsplit(url).path == "/vendor/plotly.min.js" for url in requests)

    # when they click Putian in the table by area
    page.locator('#units tr[data-code="3503"] a').click()
    # then Putian's own situation shows, as of the same day
    expect(page.locator("#title")).to_contain_text("莆田市")
    expect(page.locator('#headline [data-key="cum_new_confirmed"] .big')).to_have_text("5")
    assert "on=2021-09-20" in page.url

    # when they switch to the large screen
    page.get_by_role("link", name="Large screen").click()
    expect(page.locator("body.screen")).to_be_visible()
    expect(page.locator("#chart-curve")).to_have_attribute("data-ready", "1")
    # and every table reads light on dark: no cell's text is drawn on a white table
    table = page.locator("table.list").first
    colours = table.evaluate(
        """t => [getComputedStyle(t).backgroundColor,
                 getComputedStyle(t.querySelector('td, th')).color]"""
    )
    assert colours[0] != "rgb(255, 255, 255)" and colours[0] != colours[1], colours
    shot(page, "situation-room-screen")


def test_a_future_date_says_so(page, make_user):
    login(page, make_user(Role.COMMANDER, "35"), to="/reports/situation/35/?on=2999-01-01")
    expect(page.locator("#as-of")).to_contain_text("The date is in the future.")
