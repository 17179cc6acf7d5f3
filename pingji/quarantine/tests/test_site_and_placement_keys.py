"""A site's jurisdiction is typed into the jurisdiction picker, and the placements a protocol is
applied to are ticked in the page's own table: in both, a key of another county or one that is
no number is a form error — never a server error."""

import pytest
from django.urls import reverse

from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.quarantine.forms import ApplyProtocolForm, SiteForm
from pingji.quarantine.models import Site
from pingji.quarantine.tests.factories import PlacementFactory

from .conftest import GRID, HULI_GRID

pytestmark = pytest.mark.django_db
MALFORMED = ["abc", "9" * 30, "-1", "1.5", "１", "1 OR 1=1"]
SITE = {"name": "鲤城酒店", "kind": "hotel", "rooms": "2"}


@pytest.mark.parametrize("key", ["350206", HULI_GRID, "35", *MALFORMED])
def test_a_site_jurisdiction_outside_the_area_or_malformed_is_refused(operator, key):
    form = SiteForm({**SITE, "jurisdiction": key}, user=operator)
    assert not form.is_valid()
    assert form.errors["jurisdiction"] == ["No such jurisdiction in your area."]


@pytest.mark.parametrize("code", ["350322", GRID])
def test_a_site_jurisdiction_of_the_area_is_accepted(operator, tree, code):
    form = SiteForm({**SITE, "jurisdiction": code}, user=operator)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["jurisdiction"] == tree[code]


def test_the_site_form_asks_the_jurisdiction_picker(operator):
    html = str(SiteForm(user=operator, initial={"jurisdiction": "350322"})["jurisdiction"])
    assert 'data-picker="/api/people/pick/jurisdictions/"' in html
    assert 'name="jurisdiction" value="350322"' in html and "仙游县 · county" in html


def test_posting_another_countys_jurisdiction_answers_400_and_registers_nothing(client, operator):
    client.force_login(operator)
    response = client.post(reverse("quarantine:site_create"), {**SITE, "jurisdiction": "350206"})
    assert response.status_code == 400
    assert "No such jurisdiction in your area." in response.content.decode()
    assert not Site.objects.filter(name="鲤城酒店").exists()


@pytest.fixture
def ours(resident):
    return PlacementFactory(person=resident)


@pytest.mark.parametrize("key", ["foreign", *MALFORMED])
def test_a_placement_outside_the_area_or_malformed_is_refused(operator, ours, tree, key):
    theirs = PlacementFactory(
        person=PersonFactory(household=HouseholdFactory(jurisdiction=tree[HULI_GRID]))
    )
    value = theirs.pk if key == "foreign" else key
    form = ApplyProtocolForm({"placements": [ours.pk, value], "reason": "新版"}, user=operator)
    assert not form.is_valid()
    assert form.errors["placements"] == ["No such placement in your area."]


def test_a_placement_of_the_area_is_accepted(operator, ours):
    form = ApplyProtocolForm({"placements": [ours.pk], "reason": "新版"}, user=operator)
    form.is_valid()
    assert "placements" not in form.errors and list(form.cleaned_data["placements"]) == [ours]


def test_posting_a_huge_placement_key_answers_400(client, operator, ours):
    client.force_login(operator)
    response = client.post(
        reverse("quarantine:protocol_changes"), {"placements": ["9" * 30], "reason": "新版"}
    )
    assert response.status_code == 400
    assert "No such placement in your area." in response.content.decode()
