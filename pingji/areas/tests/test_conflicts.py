"""A transition decided already, or an area with one pending, answers 409 Conflict with the same
message body as a refusal of input, which stays 400 (docs/decisions/0038)."""

import pytest

from pingji.areas.models import Transition
from pingji.areas.tests.factories import RiskAreaFactory

pytestmark = pytest.mark.django_db
LIFT = {"to_level": "", "effective_at": "2021-09-29T10:00:00+08:00"}


@pytest.fixture
def sealed(tree, compound):
    return RiskAreaFactory(jurisdiction=tree["350322"], extent=[compound], name="东门花园封控区")


@pytest.fixture
def proposed(api, epi, sealed, evidence) -> int:
    answer = api(epi).post(f"/api/areas/risk-areas/{sealed.pk}/propose/", LIFT, format="json")
    assert answer.status_code == 201, answer.json()
    return answer.json()["id"]


def test_approving_an_approved_transition(api, commander, proposed):
    url = f"/api/areas/transitions/{proposed}/approve/"
    assert api(commander).post(url, {}, format="json").status_code == 200
    again = api(commander).post(url, {}, format="json")
    assert again.status_code == 409
    assert again.json() == {"status": ["Only a proposed transition can be decided."]}
    rejected = api(commander).post(
        f"/api/areas/transitions/{proposed}/reject/", {"note": "太早"}, format="json"
    )
    assert rejected.status_code == 409
    assert Transition.objects.get(pk=proposed).status == "approved"


def test_a_second_proposal_while_one_is_pending(api, epi, sealed, proposed):
    again = api(epi).post(f"/api/areas/risk-areas/{sealed.pk}/propose/", LIFT, format="json")
    assert again.status_code == 409
    assert again.json() == {
        "to_level": ["A transition of this area is already awaiting approval or publication."]
    }
    # a refusal of input on the same endpoint is still 400
    Transition.objects.filter(pk=proposed).update(status="rejected")
    bad = api(epi).post(
        f"/api/areas/risk-areas/{sealed.pk}/propose/", {**LIFT, "effective_at": None}, format="json"
    )
    assert bad.status_code == 400


def test_the_approval_page_answers_409_the_second_time(client, commander, proposed):
    client.force_login(commander)
    first = client.post(f"/areas/transitions/{proposed}/approve/", {"note": ""})
    assert first.status_code == 302
    second = client.post(f"/areas/transitions/{proposed}/approve/", {"note": ""})
    assert second.status_code == 409
    assert "Only a proposed transition can be decided." in second.content.decode()
