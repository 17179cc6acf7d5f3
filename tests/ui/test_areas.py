"""A risk area's lifting in the browser: proposed by override, approved upstairs, published, and
seen by the public without logging in."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from pingji.areas.models import Transition
from pingji.areas.tests.factories import RiskAreaFactory
from pingji.geo.tests.factories import PlaceFactory
from pingji.users.choices import Role

from .browser import login

GRID = "350322100001001"


def test_an_area_is_lifted_by_override_approved_published_and_seen_by_the_public(
    new_page, make_user, tree
):
    epi = make_user(Role.EPIDEMIOLOGIST, "350322")
    city = make_user(Role.COMMANDER, "3503")
    county = make_user(Role.COMMANDER, "350322")
    compound = PlaceFactory(jurisdiction=tree[GRID], name="东门花园")
    area = RiskAreaFactory(jurisdiction=tree["350322"], extent=[compound], name="东门花园封控区")

    # given the county epidemiologist on the area's page
    desk = login(new_page(), epi, to=area.get_absolute_url())
    expect(desk.locator("#area-level")).to_have_attribute("data-level", "sealed")
    expect(desk.locator("#extent")).to_contain_text("东门花园")

    # when they propose lifting it without a justification, the page says why it is refused
    desk.select_option("#propose #id_to_level", "")
    when = timezone.localtime(area.decided_at + datetime.timedelta(days=3))
    desk.fill("#propose #id_effective_at", when.strftime("%Y-%m-%dT%H:%M"))
    desk.get_by_role("button", name="Propose").click()
    expect(desk.locator("#propose")).to_contain_text("An override needs a justification")
    assert not Transition.objects.filter(kind="lift").exists()

    # and with a justification it is proposed as an override
    desk.fill("#propose #id_justification", "经复核为误划，区内无病例")
    desk.get_by_role("button", name="Propose").click()
    expect(desk.locator(".msg-success")).to_contain_text("Proposed")
    t = Transition.objects.get(kind="lift")
    assert t.override

    # when the city commander approves it on the transition's page
    boss = login(new_page(), city, to=t.get_absolute_url())
    expect(boss.locator("#transition-status")).to_have_attribute("data-status", "proposed")
    boss.get_by_role("button", name="Approve").click()
    expect(boss.locator("#transition-status")).to_have_attribute("data-status", "approved")

    # and the county commander publishes the county's list
    pub = login(new_page(), county, to="/areas/")
    pub.select_option("#publish select", "350322")
    pub.locator("#publish button").click()
    expect(pub.locator(".msg-success")).to_contain_text("Published list 1")

    # then anyone, without logging in, sees the area lifted in the published list
    public = new_page()
    public.goto("/areas/public/")
    row = public.locator(".public-list tr[data-status='lifted']")
    expect(row).to_contain_text("东门花园封控区")
    expect(public.locator("header .who")).to_have_count(0)

    # and the map of the day before shows the area while it was in force, without a script error
    day = timezone.localtime(area.decided_at).date() + datetime.timedelta(days=1)
    boss.goto(f"/areas/map/?on={day.isoformat()}")
    expect(boss.locator("#areas-map")).to_have_attribute("data-ready", "1")
    boss.goto("/areas/indicator/")
    expect(boss.locator("h1")).to_contain_text("Community transmission")
