"""Reopening in the browser: a closed school applies with the protocol's checklist, is inspected,
refused while a sealed area covers it (the reason shown) and approved once lifted; a liaison sees
only their own enterprise and hands a problem to a department."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pingji.protocols.models import Protocol
from pingji.reopening import controls
from pingji.reopening.actions.liaison import do_save_plan
from pingji.reopening.choices import Status
from pingji.reopening.tests.conftest import StandIn
from pingji.reopening.tests.factories import EstablishmentFactory, SchoolFactory
from pingji.tasks.models import Task
from pingji.users.choices import Role

from .browser import login, shot

GRID = "350322100001001"


@pytest.fixture
def emergency_today(db):
    """The 8th edition's rules in force today for the province (pages act "now")."""
    eighth = Protocol.objects.get(code="cn-8th-edition")
    return Protocol.objects.create(
        code="fj-ui-emergency",
        name="福建（测试）",
        jurisdiction_code="35",
        effective_from=timezone.localdate() - datetime.timedelta(days=1),
        rules=eighth.rules,
        based_on=eighth,
    )


@pytest.fixture
def sealed(monkeypatch):
    active: dict[str, StandIn] = {}

    def lookup(*, place=None, jurisdiction_code=None, at):
        return [c for code, c in active.items() if (jurisdiction_code or "").startswith(code)]

    monkeypatch.setattr(controls, "_controls_at", lookup)
    return active


def test_a_closed_school_resumes_once_the_sealed_area_lifts(
    page, tree, make_user, emergency_today, sealed
):
    # given a closed primary school of Xianyou and its county's operator
    school = SchoolFactory(jurisdiction=tree[GRID], name="枫亭中心小学", status=Status.CLOSED)
    login(page, make_user(Role.OPERATOR, "350322"), to=school.get_absolute_url())

    # when the operator ticks the protocol's checklist and applies
    expect(page.locator("#checklist-source")).to_contain_text("fj-ui-emergency")
    boxes = page.locator("#apply input[type=checkbox]")
    expect(boxes).to_have_count(8)
    for i in range(boxes.count()):
        boxes.nth(i).check()
    page.locator("#apply button").click()
    expect(page.locator("#status")).to_have_text("applied to resume")

    # and records a passed inspection
    page.locator("#inspect select").select_option("1")
    page.locator("#inspect button").click()
    expect(page.locator("#status")).to_have_text("inspected")

    # then approval is refused while a sealed area covers the school, saying which
    sealed["350322100"] = StandIn("枫亭镇封控区", "sealed", 1, True)
    page.reload()
    expect(page.locator("#blocked")).to_contain_text("枫亭镇封控区")
    page.locator("#decide select").select_option("1")
    page.locator("#decide button").click()
    expect(page.locator("#form-errors")).to_contain_text("枫亭镇封控区")
    shot(page, "reopening-refused")

    # and once the area lifts, the same approval goes through
    sealed.clear()
    page.locator("#decide select").select_option("1")
    page.locator("#decide button").click()
    expect(page.locator("#status")).to_have_text("resumed")
    expect(page.locator("#history tbody tr")).to_have_count(3)


def test_a_liaison_sees_only_their_enterprise_and_raises_a_problem(page, tree, make_user):
    # given two enterprises, one with a plan naming the liaison
    operator = make_user(Role.OPERATOR, "350322")
    liaison = make_user(Role.LIAISON, "350322", username="liaison-fengting")
    mine = EstablishmentFactory(jurisdiction=tree[GRID], name="协胜鞋业有限公司")
    EstablishmentFactory(jurisdiction=tree[GRID], name="别家鞋业有限公司")
    do_save_plan(mine, actor=operator, measures="专班驻企", liaison=liaison)

    # when the liaison opens the establishments list
    login(page, liaison, to="/reopening/")
    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("协胜鞋业有限公司")

    # and raises a problem for the human-resources department
    rows.first.get_by_role("link").click()
    page.locator("summary", has_text="Raise a problem").click()
    page.locator("#problem select[name=category]").select_option("workers")
    page.locator("#problem select[name=department]").select_option("hr")
    page.locator("#problem textarea").fill("30 名员工滞留管控区")
    deadline = timezone.localtime() + datetime.timedelta(days=3)
    page.locator("#problem input[name=deadline]").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#problem button").click()

    # then it is a county task with the deadline, listed on the enterprise's page
    expect(page.locator("#problems tbody tr")).to_have_count(1)
    task = Task.objects.get(kind="reopening.problem")
    assert task.jurisdiction_id == "350322" and "human resources" in task.title
