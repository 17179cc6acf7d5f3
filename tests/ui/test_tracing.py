"""Tracing in the browser: a county answers a dispatch; the chain graph draws offline."""

from playwright.sync_api import expect

from pingji.cases.tests.factories import CaseFactory
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.tracing.actions.chains import do_link_cases
from pingji.tracing.actions.contacts import create_contact
from pingji.tracing.models import Dispatch
from pingji.tracing.tests.factories import InvestigationFactory
from pingji.users.choices import Role

from .browser import login

GRID = "350322100001001"
HULI_GRID = "350206001001001"


def test_the_receiving_county_acknowledges_and_controls_a_dispatched_contact(page, tree, make_user):
    # given a Xianyou case whose close contact lives in Huli: dispatched on adding
    epi = make_user(Role.EPIDEMIOLOGIST, "350322")
    case = CaseFactory(person=PersonFactory(household=HouseholdFactory(jurisdiction=tree[GRID])))
    contact_person = PersonFactory(
        name="黄某", household=HouseholdFactory(jurisdiction=tree[HULI_GRID])
    )
    inv = InvestigationFactory(case=case)
    create_contact(
        inv,
        actor=epi,
        person=contact_person,
        tier="close_contact",
        setting="workplace",
        last_exposure_at=case.reported_at,
    )
    dispatch = Dispatch.objects.get()
    # when Huli's operator opens the received dispatches and answers
    login(page, make_user(Role.OPERATOR, "350206"), to="/tracing/dispatches/?direction=received")
    page.get_by_role("link", name=str(dispatch.pk), exact=True).click()
    page.click("#acknowledge button")
    expect(page.locator("h1 .count")).to_have_text("acknowledged")
    page.select_option("#id_outcome", "controlled")
    page.fill("#id_note", "集中隔离点")
    page.click("#outcome button")
    # then the dispatch is closed as controlled
    expect(page.locator("h1 .count")).to_have_text("controlled")
    dispatch.refresh_from_db()
    assert dispatch.status == "controlled" and dispatch.outcome_note == "集中隔离点"


def test_the_transmission_graph_draws_with_the_apps_own_plotly(page, tree, make_user):
    epi = make_user(Role.EPIDEMIOLOGIST, "350322")
    cases = [
        CaseFactory(person=PersonFactory(household=HouseholdFactory(jurisdiction=tree[GRID])))
        for _ in range(3)
    ]
    cases[2].classification = "asymptomatic"
    cases[2].severity = ""
    cases[2].save(update_fields=["classification", "severity"])
    do_link_cases(cases[0], cases[1], actor=epi, evidence="contact")
    do_link_cases(cases[1], cases[2], actor=epi, evidence="epidemiological")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    login(page, epi, to="/tracing/chains/")
    expect(page.locator("#chain-graph[data-ready='1']")).to_have_count(1)
    # links, confirmed cases and asymptomatic infections, each named in the legend
    expect(page.locator("#chain-graph .scatterlayer .trace")).to_have_count(3)
    expect(page.locator("#chain-graph .legend .traces")).to_have_count(3)
    # one arrowhead per link, pointing at the infectee
    expect(page.locator("#chain-graph .annotation-arrow-g")).to_have_count(2)
    expect(page.locator("#chain-graph .xtitle")).to_have_text("onset (or report) day")
    expect(page.locator("#chain-graph .ytitle")).to_have_text("generation")
    assert all(
        "127.0.0.1" in url or "localhost" in url or url.startswith("data:") for url in requests
    )
