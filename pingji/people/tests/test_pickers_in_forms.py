"""The people forms' pickers (``core.widgets``): a household, grid, place or duplicate record from
outside the user's area (or the focus), or a forged key, is a form error; one inside is taken."""

import pytest

from pingji.geo.choices import PlaceKind
from pingji.geo.tests.factories import PlaceFactory
from pingji.people.forms import HouseholdForm, MergeForm, PersonForm
from pingji.people.tests.factories import HouseholdFactory, PersonFactory

from .conftest import GRID, HULI_GRID, OTHER_GRID

pytestmark = pytest.mark.django_db
FORGED = ["abc", "9" * 30, "-1", "1.5", "1 OR 1=1", "²", "１２"]


def person_form(user, **data):
    return PersonForm({"name": "新居民", **data}, user=user)


def test_a_household_of_the_area_is_taken_and_another_countys_refused(
    county_user, household, huli_household
):
    form = person_form(county_user, household=str(household.pk))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["household"] == household
    refused = person_form(county_user, household=str(huli_household.pk))
    assert refused.errors["household"] == ["No such household in your area."]


@pytest.mark.parametrize("key", FORGED)
def test_a_forged_household_key_is_a_form_error(county_user, household, key):
    assert person_form(county_user, household=key).errors["household"] == [
        "No such household in your area."
    ]


def test_the_household_follows_the_focus(county_user, tree, household):
    other = HouseholdFactory(jurisdiction=tree[OTHER_GRID])
    focused = PersonForm({"name": "x", "household": other.pk}, user=county_user, focus=GRID)
    assert focused.errors["household"] == ["No such household in your area."]
    html = str(focused["household"])
    assert f'data-picker="/api/people/pick/households/?within={GRID}"' in html


def test_the_grid_of_residence_is_a_grid_of_the_area(county_user, tree):
    assert person_form(county_user, jurisdiction=OTHER_GRID).is_valid()
    for code in ("350322", "350322100001", HULI_GRID, "35"):
        form = person_form(county_user, jurisdiction=code)
        assert form.errors["jurisdiction"] == ["No such grid in your area."], code
    html = str(person_form(county_user, jurisdiction=OTHER_GRID)["jurisdiction"])
    assert "level=grid" in html and "东门二网格 · " in html  # the chosen grid, labelled


def test_a_household_place_is_a_residential_place_of_the_area(county_user, tree, compound):
    venue = PlaceFactory(jurisdiction=tree[GRID], kind=PlaceKind.VENUE, name="东门菜市场")
    huli = PlaceFactory(jurisdiction=tree[HULI_GRID], kind=PlaceKind.COMPOUND, name="海山小区")
    ok = HouseholdForm({"place": compound.pk, "address": "2栋"}, user=county_user)
    assert ok.is_valid(), ok.errors
    for place in (venue, huli):
        form = HouseholdForm({"place": place.pk, "address": "2栋"}, user=county_user)
        assert form.errors["place"] == ["No such residential place in your area."]
    for key in FORGED:
        form = HouseholdForm({"place": key, "address": "2栋"}, user=county_user)
        assert form.errors["place"] == ["No such residential place in your area."], key
    assert "kind=compound%2Cbuilding" in str(ok["place"])


@pytest.fixture
def records(tree, household):
    """A record of 陈明, its likely duplicate (same name), a stranger, and 陈明 of 湖里区."""
    keep = PersonFactory(name="陈明", id_number=None, household=household)
    alike = PersonFactory(name="陈明", id_number=None, household=household)
    other = PersonFactory(name="林芳", id_number=None, household=household)
    huli = PersonFactory(
        name="陈明", id_number=None, household=HouseholdFactory(jurisdiction=tree[HULI_GRID])
    )
    return keep, alike, other, huli


def test_any_record_of_the_area_may_be_merged_none_outside(epidemiologist, records):
    keep, alike, other, huli = records
    for chosen in (alike, other):
        form = MergeForm({"duplicate": chosen.pk}, keep=keep, user=epidemiologist)
        assert form.is_valid(), form.errors
    for key in [huli.pk, *FORGED]:
        form = MergeForm({"duplicate": key}, keep=keep, user=epidemiologist)
        assert form.errors["duplicate"] == ["No such person in your area."], key


def test_the_likely_duplicates_are_offered_first(epidemiologist, records):
    keep, alike, other, huli = records
    html = str(MergeForm(keep=keep, user=epidemiologist)["duplicate"])
    assert "Same name or phone:" in html
    assert f'data-key="{alike.pk}"' in html and "陈明 · " in html
    for absent in (keep, other, huli):  # not itself, not a stranger, not another county's
        assert f'data-key="{absent.pk}"' not in html


def test_no_suggestions_no_caption(epidemiologist, records):
    _keep, _alike, other, _huli = records
    html = str(MergeForm(keep=other, user=epidemiologist)["duplicate"])
    assert "picker-suggestion" not in html
