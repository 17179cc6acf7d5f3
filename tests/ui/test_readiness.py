"""Readiness in the browser: a store issues supplies (and refuses too many), a drill runs."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from pingji.preparedness.actions.drills import do_plan_drill
from pingji.preparedness.models import Drill
from pingji.resources.actions.stock import do_receive_stock
from pingji.resources.models import Movement
from pingji.resources.tests.factories import StoreFactory, SupplyItemFactory
from pingji.users.choices import Role

from .browser import login, shot


def test_issuing_more_than_the_stock_is_refused_then_an_issue_is_recorded(
    new_page, make_user, tree
):
    operator = make_user(Role.OPERATOR, "350322")
    store = StoreFactory(jurisdiction=tree["350322"], name="仙游县应急物资库")
    mask = SupplyItemFactory()
    do_receive_stock(
        store,
        item=mask,
        lot="A1",
        quantity=100,
        actor=operator,
        expires_on=datetime.date(2030, 1, 1),
    )
    page = login(new_page(), operator, to=store.get_absolute_url())
    expect(page.locator("#stock")).to_contain_text("100")

    # when the operator asks for more than the stock
    form = page.locator("#issue")
    form.locator("#id_item").select_option(str(mask.pk))
    form.locator("#id_quantity").fill("150")
    form.locator("#id_reason").fill("发热门诊")
    form.get_by_role("button", name="Issue").click()

    # then the form says why and nothing moved
    expect(page.locator("#issue")).to_contain_text("Only 100")
    assert not Movement.objects.filter(kind="issue").exists()

    # when they ask for what there is
    form = page.locator("#issue")
    form.locator("#id_item").select_option(str(mask.pk))
    form.locator("#id_quantity").fill("60")
    form.locator("#id_reason").fill("发热门诊")
    form.get_by_role("button", name="Issue").click()
    expect(page.locator(".msg-success")).to_contain_text("Stock recorded.")
    expect(page.locator("#stock")).to_contain_text("40")
    shot(page, "store-issue")


def test_a_drill_is_started_run_and_finished(new_page, make_user, tree):
    admin = make_user(Role.ADMINISTRATOR, "350322")
    drill = do_plan_drill(
        {
            "jurisdiction": tree["350322"],
            "title": "仙游县功能演练",
            "kind": "functional",
            "scenario": "发热门诊报告确诊病例",
            "planned_for": timezone.now(),
        },
        actor=admin,
    )
    page = login(new_page(), admin, to=drill.get_absolute_url())
    page.locator("#start").click()
    expect(page.locator("h1")).to_contain_text("running")
    page.locator("#inject").click()
    expect(page.locator("#steps")).to_contain_text("case reported")
    page.locator("#finish").click()
    expect(page.locator("h1")).to_contain_text("finished")
    assert Drill.objects.get(pk=drill.pk).report["steps"][0]["done_at"]
    shot(page, "drill-finished")
