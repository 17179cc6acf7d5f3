"""The 26 September flow in the browser: a meeting's directive reaches a city, is done, is seen."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from pingji.command.tests.factories import MeetingFactory
from pingji.tasks.models import Directive
from pingji.users.choices import Role

from .browser import login, no_page_scroll, shot

TITLE = "严格落实国庆假期疫情防控措施"


def test_a_meetings_directive_is_carried_out_and_supervised(new_page, make_user, tree):
    boss = make_user(Role.COMMANDER, "35")
    putian = make_user(Role.OPERATOR, "3503")
    meeting = MeetingFactory(jurisdiction=tree["35"], title="省疫情防控指挥部会议")

    # given the provincial commander on the meeting's page
    desk = login(new_page(), boss, to=meeting.get_absolute_url())
    desk.get_by_role("link", name="Issue a directive from this meeting").click()

    # when they issue a directive to both cities
    desk.fill("#id_title", TITLE)
    desk.fill("#id_text", "压实属地责任，落实落地检。")
    desk.get_by_label("莆田市 (3503)").check()
    desk.get_by_label("厦门市 (3502)").check()
    deadline = timezone.localtime(timezone.now() + timedelta(days=3))
    desk.fill("#id_deadline", deadline.strftime("%Y-%m-%dT%H:%M"))
    desk.get_by_role("button", name="Issue directive").click()

    # then the directive's page shows each city's progress
    expect(desk.locator(".msg-success")).to_contain_text("Directive issued.")
    expect(desk.locator("#progress tr[data-code]")).to_have_count(2)
    directive = Directive.objects.get(title=TITLE)
    assert directive.meeting == meeting

    # when Putian's operator reports it done from a phone
    phone = login(new_page(phone=True), putian, to="/tasks/")
    phone.get_by_role("link", name=TITLE).first.click()
    phone.fill("#id_evidence", "已印发通知，全市部署落实")
    phone.get_by_role("button", name="Submit for verification").click()
    expect(phone.locator("#task-badges")).to_have_attribute("data-status", "submitted")
    assert no_page_scroll(phone)

    # then the commander's supervision view shows both cities with their open work
    desk.goto(desk.url.split("/tasks/")[0] + "/tasks/supervision/")
    expect(desk.locator("#owners tr[data-code]")).to_have_count(2)
    expect(desk.locator("#totals [data-figure=submitted]")).to_have_text("1")
    shot(desk, "supervision")
