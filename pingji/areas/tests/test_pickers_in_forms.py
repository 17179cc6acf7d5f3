"""The area and checkpoint forms' pickers (``core.widgets``): a jurisdiction or place outside the
user's area, the focus or the levels the action takes, or a forged key, is a form error naming
what was refused; one inside is taken, and the chosen ones are shown again as ticked boxes."""

import pytest
from django.urls import reverse

from pingji.areas.forms import CheckpointForm, DesignateForm
from pingji.areas.models import RiskArea
from pingji.geo.choices import PlaceKind
from pingji.geo.tests.factories import PlaceFactory

from .conftest import GRID

pytestmark = pytest.mark.django_db
OTHER_GRID = "350322100001002"
HULI_GRID = "350206001001001"
FORGED = ["abc", "9" * 30, "-1", "1 OR 1=1", "²"]
DESIGNATION = {
    "name": "东门小区",
    "level": "medium",
    "legal_basis": "仙防指〔2021〕1号",
    "decided_at": "2021-09-12T10:00",
}


@pytest.fixture
def places(tree):
    """A compound of each 仙游县 grid, a venue, and a compound of 湖里区."""

    def place(grid, kind, name):
        return PlaceFactory(jurisdiction=tree[grid], kind=kind, name=name)

    return {
        "mine": place(GRID, PlaceKind.COMPOUND, "东门小区"),
        "other_grid": place(OTHER_GRID, PlaceKind.COMPOUND, "紫霞小区"),
        "venue": place(GRID, PlaceKind.VENUE, "东门菜市场"),
        "huli": place(HULI_GRID, PlaceKind.COMPOUND, "海山小区"),
    }


def designate(user, focus="", **data):
    return DesignateForm({**DESIGNATION, "jurisdiction": "350322", **data}, user=user, focus=focus)


def test_places_and_jurisdictions_of_the_area_are_taken(epi, places):
    form = designate(
        epi,
        places=[places["mine"].pk, places["other_grid"].pk],
        jurisdictions=[GRID, "350322100001"],
    )
    assert form.is_valid(), form.errors
    assert set(form.cleaned_data["places"]) == {places["mine"], places["other_grid"]}
    assert {j.code for j in form.cleaned_data["jurisdictions"]} == {GRID, "350322100001"}


@pytest.mark.parametrize("which", ["huli", "venue"])
def test_a_place_outside_the_area_or_not_residential_is_refused(epi, places, which):
    place = places[which]
    form = designate(epi, places=[places["mine"].pk, place.pk])
    assert form.errors["places"] == [f"Unknown place: {place.pk}."]


@pytest.mark.parametrize("key", FORGED)
def test_a_forged_place_key_is_a_form_error(epi, places, key):
    form = designate(epi, places=[key])
    assert form.errors["places"] == [f"Unknown place: {key[:18]}."]


@pytest.mark.parametrize("code", [HULI_GRID, "350206", "350322", "35", "9" * 30])
def test_an_extent_outside_the_area_or_above_the_township_is_refused(epi, tree, code):
    form = designate(epi, jurisdictions=[GRID, code])
    assert form.errors["jurisdictions"] == [f"Unknown jurisdiction: {code[:18]}."]


@pytest.mark.parametrize("code", ["350206", GRID, "35", "abc"])
def test_the_deciding_jurisdiction_is_a_city_county_or_township_of_the_area(epi, code):
    form = designate(epi, jurisdiction=code)
    assert form.errors["jurisdiction"] == ["No such jurisdiction in your area."]


def test_the_focus_narrows_the_places(epi, places):
    form = designate(epi, focus=GRID, places=[places["other_grid"].pk])
    assert form.errors["places"] == [f"Unknown place: {places['other_grid'].pk}."]
    html = str(form["places"])
    assert f"within={GRID}" in html and "kind=compound%2Cbuilding" in html


def test_the_chosen_rows_are_shown_again_ticked_and_labelled(epi, places):
    chosen = [places["mine"].pk, places["huli"].pk]
    html = str(designate(epi, places=chosen)["places"])
    assert 'data-picker-many="places"' in html
    assert f'name="places" value="{places["mine"].pk}" checked> 东门小区 · ' in html
    assert "海山小区" not in html  # another county's row is never labelled
    assert 'type="hidden" value="" id="id_places_key"' in html  # the box itself posts nothing


def test_posting_another_countys_place_answers_400_and_designates_nothing(client, epi, places):
    client.force_login(epi)
    data = {**DESIGNATION, "jurisdiction": "350322", "places": [places["huli"].pk]}
    response = client.post(reverse("areas:area_create"), data)
    assert response.status_code == 400
    assert f"Unknown place: {places['huli'].pk}." in response.content.decode()
    assert not RiskArea.objects.exists()


def test_a_checkpoint_is_set_up_by_a_jurisdiction_of_the_area(epi, tree):
    def errors(code):
        data = {
            "jurisdiction": code,
            "name": "枫亭收费站",
            "kind": "highway_exit",
            "rules": "查验行程卡",
            "since": "2021-09-12T10:00",
        }
        return CheckpointForm(data, user=epi, focus="").errors.get("jurisdiction")

    assert errors("350322100") is None and errors("350322") is None
    for code in (GRID, "350206001", "35", *FORGED):
        assert errors(code) == ["No such jurisdiction in your area."], code
