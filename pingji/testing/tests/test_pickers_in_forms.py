"""The testing forms' pickers (``core.widgets``): a jurisdiction or compound outside the user's
area or the focus, or a forged key, is a form error; one inside is taken."""

import pytest
from django.urls import reverse

from pingji.geo.choices import PlaceKind
from pingji.geo.tests.factories import PlaceFactory
from pingji.testing.forms import CampaignForm, SamplingPointForm
from pingji.testing.models import Campaign

from .conftest import GRID1, GRID2

pytestmark = pytest.mark.django_db
HULI_GRID = "350206001001001"
FORGED = ["abc", "9" * 30, "-1", "1 OR 1=1", "²"]
CAMPAIGN = {"name": "全员核酸", "setting": "general", "scope": "city"}


@pytest.fixture
def compounds(tree):
    """A compound of each 仙游县 grid, a building, and a compound of 湖里区."""
    return {
        "mine": PlaceFactory(jurisdiction=tree[GRID1], kind=PlaceKind.COMPOUND, name="东门小区"),
        "other": PlaceFactory(jurisdiction=tree[GRID2], kind=PlaceKind.COMPOUND, name="紫霞小区"),
        "building": PlaceFactory(jurisdiction=tree[GRID1], kind=PlaceKind.BUILDING, name="1栋"),
        "huli": PlaceFactory(jurisdiction=tree[HULI_GRID], kind=PlaceKind.COMPOUND, name="海山"),
    }


def campaign_form(user, focus="", **data):
    return CampaignForm({**CAMPAIGN, "jurisdiction": "350322", **data}, user=user, focus=focus)


def test_a_campaign_of_the_area_is_taken(operator, compounds):
    form = campaign_form(operator, areas=[GRID1, "350322100"], places=[compounds["other"].pk])
    assert form.is_valid(), form.errors
    assert {j.code for j in form.cleaned_data["areas"]} == {GRID1, "350322100"}
    assert list(form.cleaned_data["places"]) == [compounds["other"]]


@pytest.mark.parametrize("code", ["350206", "35", GRID1, *FORGED])
def test_a_campaign_is_run_by_a_level_above_the_grid_of_the_area(operator, tree, code):
    form = campaign_form(operator, jurisdiction=code)
    assert form.errors["jurisdiction"] == ["No such jurisdiction in your area."]


@pytest.mark.parametrize("code", [HULI_GRID, "350206", "35", *FORGED])
def test_covered_areas_outside_the_area_are_refused(operator, tree, code):
    form = campaign_form(operator, areas=[GRID1, code])
    assert form.errors["areas"] == [f"Unknown jurisdiction: {code[:18]}."]


@pytest.mark.parametrize("which", ["huli", "building"])
def test_covered_places_are_compounds_of_the_area(operator, compounds, which):
    place = compounds[which]
    form = campaign_form(operator, places=[place.pk])
    assert form.errors["places"] == [f"Unknown place: {place.pk}."]


@pytest.mark.parametrize("key", FORGED)
def test_a_forged_place_key_is_a_form_error(operator, compounds, key):
    assert campaign_form(operator, places=[key]).errors["places"] == [f"Unknown place: {key[:18]}."]


def test_the_focus_narrows_every_picker(operator, compounds):
    form = campaign_form(
        operator,
        focus=GRID1,
        jurisdiction="350322",
        areas=[GRID2],
        places=[compounds["other"].pk],
    )
    assert set(form.errors) == {"jurisdiction", "areas", "places"}
    assert f"within={GRID1}" in str(form["areas"])


def test_posting_another_countys_compound_answers_400_and_creates_nothing(
    client, operator, compounds
):
    client.force_login(operator)
    data = {**CAMPAIGN, "jurisdiction": "350322", "places": [compounds["huli"].pk]}
    response = client.post(reverse("testing:campaign_create"), data)
    assert response.status_code == 400
    assert f"Unknown place: {compounds['huli'].pk}." in response.content.decode()
    assert not Campaign.objects.exists()


def test_a_sampling_point_lies_in_the_area(operator, tree):
    def errors(code, focus=""):
        data = {
            "name": "东门点",
            "jurisdiction": code,
            "staff": 2,
            "opens": "07:00",
            "closes": "12:00",
        }
        return SamplingPointForm(data, user=operator, focus=focus).errors.get("jurisdiction")

    assert errors(GRID1) is None and errors("350322") is None
    for code in (HULI_GRID, "350206", *FORGED):
        assert errors(code) == ["No such jurisdiction in your area."], code
    assert errors(GRID2, focus=GRID1) == ["No such jurisdiction in your area."]
