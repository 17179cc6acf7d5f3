"""A drill dated today practises the next outbreak: the county picks the 9th edition on the drill
page, and the contact it adds is dispatched under it, while the real county stays Class B."""

from django.utils import timezone
from playwright.sync_api import expect

from pingji.cases.models import Case
from pingji.preparedness.actions.drills import do_plan_drill
from pingji.protocols.models import Protocol
from pingji.protocols.versions import protocol_for
from pingji.tracing.actions.investigations import do_open_investigation
from pingji.tracing.models import Dispatch
from pingji.users.choices import Role

from .browser import login, shot


def test_the_county_picks_the_9th_edition_and_the_drill_dispatches_under_it(
    new_page, make_user, tree
):
    planner = make_user(Role.ADMINISTRATOR, "35", username="province-admin")
    admin = make_user(Role.ADMINISTRATOR, "350322")
    ninth = Protocol.objects.get(jurisdiction_code="", code="cn-9th-edition")
    drill = do_plan_drill(
        {
            "jurisdiction": tree["350322"],
            "partner": tree["350206"],
            "title": "仙游县—湖里区下一轮疫情演练",
            "kind": "functional",
            "scenario": "确诊病例的密切接触者居住在湖里区",
            "planned_for": timezone.now(),
        },
        actor=planner,
    )
    page = login(new_page(), admin, to=drill.get_absolute_url())
    expect(page.locator("#protocol")).to_contain_text("the one in force")

    # when the county picks the 9th edition, then starts the drill
    form = page.locator("#protocol-form")
    form.locator("#id_protocol").select_option(str(ninth.pk))
    form.get_by_role("button", name="Choose the version").click()
    expect(page.locator(".msg-success")).to_contain_text("Protocol version chosen.")
    expect(page.locator("#protocol")).to_contain_text(ninth.name)
    shot(page, "drill-edition-chosen")
    page.locator("#start").click()
    expect(page.locator("h1")).to_contain_text("running")
    expect(page.locator("#protocol-form")).to_have_count(0)  # fixed once started

    # then the case, its investigation and the scripted contact run under the 9th edition
    page.locator("#inject").click()
    expect(page.locator("#steps")).to_contain_text("case reported")
    do_open_investigation(Case.objects.get(), actor=admin)
    page.locator("#contact").click()
    expect(page.locator(".msg-success")).to_be_visible()
    assert Dispatch.objects.get().sender_id.startswith("350322901")
    assert protocol_for("350322").code == "cn-class-b"
    shot(page, "drill-edition")
