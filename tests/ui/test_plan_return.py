"""A work plan sent back in the browser: the province gives the reason, the city sees it, revises
and submits again, and the template's page counts it as not yet in meanwhile."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from pingji.tasks.actions.plans import do_create_plan_template, do_save_plan, do_submit_plan
from pingji.tasks.choices import PlanStatus
from pingji.tasks.tests.factories import SECTIONS
from pingji.users.choices import Role

from .browser import login


def test_the_province_sends_a_plan_back_and_the_city_resubmits(new_page, make_user, tree):
    boss = make_user(Role.COMMANDER, "35")
    putian = make_user(Role.OPERATOR, "3503")
    template = do_create_plan_template(
        actor=boss,
        title="国庆假期疫情防控工作方案",
        level="city",
        sections=SECTIONS,
        due=timezone.now() + timedelta(days=3),
    )
    deadline = (timezone.now() + timedelta(days=5)).isoformat()
    plan = do_save_plan(
        template,
        actor=putian,
        jurisdiction=tree["3503"],
        sections={"situation": "输入风险高", "measures": "落实测温扫码"},
        measures=[{"title": "车站码头落地检", "deadline": deadline}],
    )
    do_submit_plan(plan, actor=putian)

    # given the provincial commander on 莆田's plan
    desk = login(new_page(), boss, to=plan.get_absolute_url())
    desk.get_by_text("Send back for revision").click()
    # when they send it back without a reason, the form refuses
    desk.get_by_role("button", name="Send back", exact=True).click()
    expect(desk.locator("#return-plan")).to_contain_text("This field is required.")
    # when they give the reason
    desk.fill("#return-plan textarea", "缺少冷链物流防控措施")
    desk.get_by_role("button", name="Send back", exact=True).click()
    # then the plan says why, its history shows it, and the template counts it as not in
    expect(desk.locator(".msg-success")).to_contain_text("Plan sent back for revision.")
    expect(desk.locator("#returned")).to_contain_text("缺少冷链物流防控措施")
    expect(desk.locator("#plan-history")).to_contain_text("缺少冷链物流防控措施")
    desk.goto(template.get_absolute_url())
    expect(desk.locator("#missing-count")).to_contain_text("2 not submitted")
    expect(desk.locator('#submissions tr[data-code="3503"]')).to_contain_text(
        "sent back for revision"
    )

    # and 莆田 sees the reason where they edit, revises and submits again
    city = login(new_page(), putian, to=template.get_absolute_url())
    city.locator('#submissions tr[data-code="3503"]').get_by_role("link", name="write").click()
    expect(city.locator("#returned")).to_contain_text("缺少冷链物流防控措施")
    city.get_by_role("button", name="Submit plan").click()
    expect(city.locator(".msg-success")).to_contain_text("Plan submitted.")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
