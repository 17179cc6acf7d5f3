"""A step taken already answers 409 Conflict, with the message a refusal of input has; bad input
stays 400 (``core.actions.Conflict``, docs/decisions/0038)."""

import pytest

from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.tracing.actions.contacts import create_contact
from pingji.tracing.actions.investigations import do_open_investigation
from pingji.tracing.models import Dispatch
from pingji.users.choices import Role

from .conftest import at
from .factories import ExposureFactory, InvestigationFactory, ProposedContactFactory

pytestmark = pytest.mark.django_db
HULI_GRID = "350206001001001"


@pytest.fixture
def dispatch(case, epi, tree):
    """A contact of the Xianyou case who lives in Huli, dispatched there on adding."""
    person = PersonFactory(household=HouseholdFactory(jurisdiction=tree[HULI_GRID]))
    create_contact(
        InvestigationFactory(case=case),
        actor=epi,
        person=person,
        tier="close_contact",
        setting="workplace",
        last_exposure_at=at(11, 20),
    )
    return Dispatch.objects.get()


@pytest.fixture
def huli_operator(make_user):
    return make_user(Role.OPERATOR, "350206")


def test_two_answers_to_the_same_dispatch(api, dispatch, huli_operator):
    client, url = api(huli_operator), f"/api/tracing/dispatches/{dispatch.pk}"
    assert client.post(f"{url}/acknowledge/").status_code == 200
    again = client.post(f"{url}/acknowledge/")
    assert again.status_code == 409
    assert again.json() == {"status": ["This dispatch is already acknowledged."]}
    # input errors stay 400
    bad = client.post(f"{url}/outcome/", {"outcome": "not_resident"}, format="json")
    assert bad.status_code == 400 and "reason" in bad.json()
    closed = client.post(f"{url}/outcome/", {"outcome": "unreachable"}, format="json")
    assert closed.status_code == 200
    late = client.post(f"{url}/outcome/", {"outcome": "located"}, format="json")
    assert late.status_code == 409
    assert late.json() == {"status": ["This dispatch is closed (unreachable)."]}
    assert Dispatch.objects.get().status == "unreachable"


def test_the_page_answers_a_closed_dispatch_409_with_the_message(
    client, dispatch, huli_operator, api
):
    api(huli_operator).post(
        f"/api/tracing/dispatches/{dispatch.pk}/outcome/", {"outcome": "unreachable"}
    )
    client.force_login(huli_operator)
    page = client.post(f"/tracing/dispatches/{dispatch.pk}/outcome/", {"outcome": "located"})
    assert page.status_code == 409
    assert "This dispatch is closed" in page.content.decode()


def test_recording_the_core_facts_twice(api, case, epi):
    investigation = do_open_investigation(case, actor=epi)
    url = f"/api/tracing/investigations/{investigation.pk}/complete_core/"
    assert api(epi).post(url, {}, format="json").status_code == 200
    again = api(epi).post(url, {}, format="json")
    assert again.status_code == 409
    assert again.json() == {"status": ["The core facts are already recorded."]}
    opened = api(epi).post("/api/tracing/investigations/", {"case": case.pk}, format="json")
    assert opened.status_code == 409 and "already has an investigation" in opened.json()["case"][0]


def test_a_proposal_decided_meanwhile(api, case, epi):
    exposure = ExposureFactory(investigation=do_open_investigation(case, actor=epi))
    proposal = ProposedContactFactory(exposure=exposure)
    url = f"/api/tracing/proposed-contacts/{proposal.pk}/reject/"
    assert api(epi).post(url, {"reason": "other floor"}, format="json").status_code == 200
    again = api(epi).post(url, {"reason": "other floor"}, format="json")
    assert again.status_code == 409
    assert again.json() == {"status": ["This proposal is already rejected."]}
