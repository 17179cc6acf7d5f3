"""Quarantine in the browser: the grid worker checks a person in on a phone, in two taps; the
county operator sees why a release is refused."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.protocols.loading import load_national
from pingji.protocols.models import Disease, Protocol
from pingji.quarantine.actions.placement import do_place_person
from pingji.quarantine.actions.sites import do_create_site
from pingji.quarantine.models import MonitoringCheck
from pingji.quarantine.tests.factories import PlacementFactory
from pingji.users.choices import Role

from .browser import login, no_page_scroll, shot

GRID = "350322100001001"


def test_a_grid_worker_checks_in_on_a_phone_in_two_taps(new_page, make_user, tree):
    worker = make_user(Role.GRID_WORKER, GRID)
    today, now = timezone.localdate(), timezone.now()
    common = {
        "setting": "home",
        "exposure_on": today - datetime.timedelta(days=15),
        "planned_release_on": today - datetime.timedelta(days=1),
        "planned_end_on": today + datetime.timedelta(days=6),
        "placed_at": now - datetime.timedelta(days=14),
    }
    household = HouseholdFactory(jurisdiction=tree[GRID], address="东门路8号")
    due = PlacementFactory(
        person=PersonFactory(name="陈某", household=household),
        last_check_on=today - datetime.timedelta(days=1),
        **common,
    )
    late = PlacementFactory(
        person=PersonFactory(name="林某", household=household),
        last_check_on=today - datetime.timedelta(days=4),
        **common,
    )

    # given the grid worker's list on a phone
    phone = login(new_page(phone=True), worker, to="/quarantine/today/")
    cards = phone.locator("#today > li")
    # then the overdue person comes first, flagged, and the page fits the phone
    expect(cards.first).to_have_attribute("data-placement", str(late.pk))
    expect(cards.first).to_contain_text("overdue")
    assert no_page_scroll(phone)
    shot(phone, "quarantine-today-phone")

    # when they tap "Check in" on 陈某's card (tap 1) and record it (tap 2)
    card = phone.locator(f'#today > li[data-placement="{due.pk}"]')
    card.get_by_text("Check in").click()
    card.get_by_role("button", name="Record the check-in").click()

    # then the check is recorded and the card says so
    expect(phone.locator(".msg-success")).to_contain_text("Check-in recorded.")
    expect(phone.locator(f'#today > li[data-placement="{due.pk}"]')).to_contain_text(
        "checked in today"
    )
    check = MonitoringCheck.objects.get(placement=due)
    assert (check.on, str(check.temperature), check.recorded_by) == (today, "36.5", worker)


def test_the_operator_sees_why_a_release_is_refused(new_page, make_user, tree):
    # a live-server test empties every table after it, the protocols of the data migration too
    load_national(Protocol, Disease)
    operator = make_user(Role.OPERATOR, "350322")
    person = PersonFactory(name="王某", household=HouseholdFactory(jurisdiction=tree[GRID]))
    site = do_create_site(
        actor=operator, name="仙游宾馆", kind="hotel", jurisdiction=tree["350322"], rooms=2
    )
    at = timezone.make_aware(datetime.datetime(2021, 9, 12, 20))
    placement = do_place_person(
        actor=operator, person=person, exposure_at=at, site=site, placed_at=at
    )
    desk = login(new_page(), operator, to=placement.get_absolute_url())
    expect(desk.locator("#eligibility")).to_contain_text("Not yet eligible for release.")
    expect(desk.locator("#eligibility-reasons")).to_contain_text("✗")
    desk.get_by_role("button", name="Approve the release").click()
    expect(desk.locator("#release")).to_contain_text("No negative result yet")
    assert not placement.releases.exists()


def test_the_operator_moves_a_person_at_home_and_the_new_grid_takes_over(new_page, make_user, tree):
    load_national(Protocol, Disease)
    operator = make_user(Role.OPERATOR, "350322")
    old_worker = make_user(Role.GRID_WORKER, GRID)
    new_worker = make_user(Role.GRID_WORKER, "350322100001002")
    today, now = timezone.localdate(), timezone.now()
    placement = PlacementFactory(
        person=PersonFactory(name="郑某", household=HouseholdFactory(jurisdiction=tree[GRID])),
        setting="home",
        exposure_on=today - datetime.timedelta(days=15),
        planned_release_on=today - datetime.timedelta(days=1),
        planned_end_on=today + datetime.timedelta(days=6),
        placed_at=now - datetime.timedelta(days=14),
    )

    # given the operator on the placement's page
    desk = login(new_page(), operator, to=placement.get_absolute_url())
    desk.get_by_text("Move home to another grid").click()
    # when a typo names no grid, the form says so and nothing moves
    desk.fill("#move #id_grid", "350322100001999")
    desk.fill("#move #id_reason", "搬到女儿家")
    desk.get_by_role("button", name="Move", exact=True).click()
    expect(desk.locator("#move")).to_contain_text("No grid has the code 350322100001999.")
    # when they give the new grid and address
    desk.fill("#move #id_grid", "350322100001002")
    desk.fill("#move #id_address", "东门路18号")
    desk.fill("#move #id_reason", "搬到女儿家")
    desk.get_by_role("button", name="Move", exact=True).click()
    # then the page shows the new grid, and the history the move
    expect(desk.locator(".msg-success")).to_contain_text("the new grid takes over")
    expect(desk.locator("#home-grid")).to_contain_text("东门二网格 · 东门路18号")
    expect(desk.locator("#history")).to_contain_text("moved home")
    expect(desk.locator("#planned-end")).to_contain_text(placement.planned_end_on.isoformat())

    # and the new grid worker has them on the day's list, the old one no longer
    phone = login(new_page(phone=True), new_worker, to="/quarantine/today/")
    expect(phone.locator(f'#today > li[data-placement="{placement.pk}"]')).to_have_count(1)
    old = login(new_page(phone=True), old_worker, to="/quarantine/today/")
    expect(old.locator(f'#today > li[data-placement="{placement.pk}"]')).to_have_count(0)
