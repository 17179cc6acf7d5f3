"""A joint drill in the browser: the drill dispatches its contact for real, the receiving county
answers it in its own dispatch inbox, and the drill report times the answer."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from pingji.cases.models import Case
from pingji.preparedness.actions.drills import do_inject_case, do_plan_drill, do_start_drill
from pingji.preparedness.models import Drill
from pingji.tracing.actions.investigations import do_open_investigation
from pingji.tracing.models import Dispatch
from pingji.users.choices import Role

from .browser import login, shot

#: Under the 8th edition, which still traces and dispatches close contacts.
T0 = timezone.make_aware(datetime.datetime(2021, 8, 20, 9))


def test_the_receiving_county_answers_the_drills_dispatch_and_the_report_times_it(
    new_page, make_user, tree
):
    planner = make_user(Role.ADMINISTRATOR, "35", username="province-admin")
    admin = make_user(Role.ADMINISTRATOR, "350322")
    huli = make_user(Role.OPERATOR, "350206")
    drill = do_plan_drill(
        {
            "jurisdiction": tree["350322"],
            "partner": tree["350206"],
            "title": "仙游县—湖里区协查联合演练",
            "kind": "functional",
            "scenario": "确诊病例的密切接触者居住在湖里区",
            "planned_for": T0,
        },
        actor=planner,
    )
    do_start_drill(drill, actor=admin, at=T0)
    do_open_investigation(do_inject_case(drill, actor=admin, at=T0), actor=admin)

    # when the drilling county adds the scripted contact on the drill page
    page = login(new_page(), admin, to=drill.get_absolute_url())
    expect(page.locator("#partner")).to_contain_text("湖里区")
    page.locator("#contact").click()
    expect(page.locator(".msg-success")).to_be_visible()
    dispatch = Dispatch.objects.get()
    assert dispatch.jurisdiction_id == drill.partner_sandbox_code

    # then Huli's operator finds it in the received dispatches and answers it there
    other = login(new_page(), huli, to="/tracing/dispatches/?direction=received")
    other.get_by_role("link", name=str(dispatch.pk), exact=True).click()
    other.click("#acknowledge button")
    expect(other.locator("h1 .count")).to_have_text("acknowledged")
    other.select_option("#id_outcome", "controlled")
    other.click("#outcome button")
    expect(other.locator("h1 .count")).to_have_text("controlled")
    # and sees nothing of the drilling county's side
    assert other.goto(drill.get_absolute_url()).status == 404
    case = Case.objects.get()
    assert other.goto(case.get_absolute_url()).status == 404

    # when the drill is finished, the report has the answer against the deadline
    page.reload()
    page.locator("#finish").click()
    expect(page.locator("h1")).to_contain_text("finished")
    row = page.locator("#steps tr", has_text="dispatched contact located and controlled")
    expect(row).to_contain_text("yes")
    steps = {s["step"]: s for s in Drill.objects.get(pk=drill.pk).report["steps"]}
    assert steps["controlled"]["met"] is True
    shot(page, "drill-dispatch-timed")
