"""Self-report in the browser: a person at home opens their link on a phone, in Chinese and
without an account, reports a fever, and their grid worker sees it on the day's list."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.quarantine.actions import self_report
from pingji.quarantine.models import MonitoringCheck
from pingji.quarantine.tests.factories import PlacementFactory
from pingji.tasks.models import Task
from pingji.users.choices import Role

from .browser import login, no_page_scroll, shot

GRID = "350322100001001"


@pytest.fixture
def at_home(tree):
    today, now = timezone.localdate(), timezone.now()
    return PlacementFactory(
        person=PersonFactory(
            name="陈某某", household=HouseholdFactory(jurisdiction=tree[GRID], address="东门路8号")
        ),
        setting="home",
        exposure_on=today - datetime.timedelta(days=15),
        planned_release_on=today - datetime.timedelta(days=1),
        planned_end_on=today + datetime.timedelta(days=6),
        placed_at=now - datetime.timedelta(days=14),
    )


@pytest.mark.chinese
def test_a_person_reports_a_fever_from_their_phone_and_the_grid_sees_it(
    new_page, make_user, at_home
):
    worker = make_user(Role.GRID_WORKER, GRID)
    link = self_report.do_issue_link(at_home, actor=worker)
    url = self_report.path_for(link)

    # Given the link opened on a phone, in the default language, with no account
    phone = new_page(phone=True, language=None, locale="zh-CN")
    phone.goto(url)
    expect(phone.locator("h1")).to_have_text("每日健康自报")
    expect(phone.locator("#who")).to_contain_text("陈**")
    assert "陈某某" not in phone.content()
    assert no_page_scroll(phone)
    shot(phone, "self-report-phone")

    # When they report 38.2 °C with a cough
    phone.locator("input[name=temperature]").fill("38.2")
    phone.locator("input[name=symptoms][value=cough]").check()
    phone.locator("#self-report button").click()

    # Then the page says it is recorded and that the community will call
    expect(phone.locator("#done")).to_contain_text("38.2")
    expect(phone.locator("#alert")).to_be_visible()
    check = MonitoringCheck.objects.get(placement=at_home)
    assert (check.source, check.symptoms) == ("self", ["cough"])
    assert Task.objects.for_source(check).get().kind == "quarantine.symptoms"

    # And the grid worker's list marks them as having reported themselves
    worker_phone = login(new_page(phone=True), worker, to="/quarantine/today/")
    card = worker_phone.locator(f'#today > li[data-placement="{at_home.pk}"]')
    expect(card.locator(".self")).to_have_text("reported it themselves")

    # When the grid worker withdraws the link from their phone, the next report is refused
    worker_phone.goto(f"/quarantine/{at_home.pk}/")
    worker_phone.get_by_role("button", name="Withdraw the link").click()
    expect(worker_phone.locator(".msg-success")).to_contain_text("The link is withdrawn.")
    phone.goto(url)
    expect(phone.locator("#refused")).to_have_text(re.compile("收回|撤回"))
