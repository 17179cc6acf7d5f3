"""The cases of a link, and the grid and resident a dispatch names, are typed into pickers
(``core.widgets``); the dispatches to export stay a list. In each, a key of another county, or
one that is no number, is a form error — never a server error."""

import pytest
from django.urls import reverse

from pingji.cases.tests.factories import CaseFactory
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.tracing.forms import DispatchExportForm, LinkForm, RegisterForm, ResolveForm
from pingji.tracing.models import Link
from pingji.tracing.tests.factories import DispatchFactory
from pingji.users.choices import Role

from .conftest import GRID

pytestmark = pytest.mark.django_db
HULI_GRID = "350206001001001"
OTHER_GRID = "350322100001002"
MALFORMED = ["abc", "9" * 30, "-1", "1.5", "１", "1 OR 1=1"]
LINK = {"evidence": "epidemiological", "setting": "household"}


@pytest.fixture
def huli_case(tree):
    return CaseFactory(
        person=PersonFactory(name="黄某", household=HouseholdFactory(jurisdiction=tree[HULI_GRID]))
    )


@pytest.fixture
def second_case(neighbour):
    return CaseFactory(person=neighbour)


@pytest.mark.parametrize("key", ["foreign", *MALFORMED])
def test_a_case_outside_the_area_or_malformed_is_refused(epi, case, huli_case, key):
    value = huli_case.pk if key == "foreign" else key
    form = LinkForm({"infector": value, "infectee": case.pk, **LINK}, user=epi)
    assert not form.is_valid() and form.errors["infector"] == ["No such case in your area."]
    form = LinkForm({"infector": case.pk, "infectee": value, **LINK}, user=epi)
    assert not form.is_valid() and form.errors["infectee"] == ["No such case in your area."]


def test_cases_of_the_area_are_accepted(epi, case, second_case):
    form = LinkForm({"infector": case.pk, "infectee": second_case.pk, **LINK}, user=epi)
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["infector"], form.cleaned_data["infectee"]) == (case, second_case)


def test_the_link_widgets_ask_the_case_picker_and_show_the_chosen_case(epi, case):
    html = str(LinkForm({"infector": case.pk}, user=epi)["infector"])
    assert 'data-picker="/api/people/pick/cases/"' in html
    assert f"Case {case.pk} · 林某 · confirmed case · 2021-09-12 · 东门一网格" in html


def test_posting_another_countys_case_answers_400_and_links_nothing(client, epi, case, huli_case):
    client.force_login(epi)
    response = client.post(
        reverse("tracing:chain_graph"), {"infector": huli_case.pk, "infectee": case.pk, **LINK}
    )
    assert response.status_code == 400
    assert "No such case in your area." in response.content.decode()
    assert not Link.objects.exists()


@pytest.mark.parametrize("key", [GRID, "350206001001", "350206", *MALFORMED])
def test_a_grid_outside_the_receiving_county_or_malformed_is_refused(huli_epi, key):
    form = RegisterForm({"grid": key}, user=huli_epi, county="350206")
    assert not form.is_valid() and form.errors["grid"] == ["No such grid in your area."]


def test_a_grid_of_the_receiving_county_is_accepted(huli_epi, tree):
    form = RegisterForm({"grid": HULI_GRID}, user=huli_epi, county="350206")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["grid"] == tree[HULI_GRID]


def test_a_province_user_registers_in_the_receiving_county_only(make_user):
    province = make_user(Role.OPERATOR, "35")
    assert not RegisterForm({"grid": GRID}, user=province, county="350206").is_valid()
    html = str(RegisterForm(user=province, county="350206")["grid"])
    assert "within=350206&amp;level=grid" in html


@pytest.mark.parametrize("key", ["foreign", *MALFORMED])
def test_a_dispatch_to_export_of_another_county_or_malformed_is_refused(epi, tree, key):
    DispatchFactory(home=tree[GRID], in_province=False)
    theirs = DispatchFactory(home=tree[HULI_GRID], in_province=False)
    value = theirs.pk if key == "foreign" else key
    form = DispatchExportForm({"dispatches": [value]}, user=epi)
    assert not form.is_valid()
    assert form.errors["dispatches"] == ["No such open out-of-province dispatch."]


def test_an_open_dispatch_of_the_area_may_be_exported(epi, tree):
    ours = DispatchFactory(home=tree[GRID], in_province=False)
    form = DispatchExportForm({"dispatches": [ours.pk]}, user=epi)
    assert form.is_valid(), form.errors
    assert list(form.cleaned_data["dispatches"]) == [ours]


def test_the_resident_search_asks_within_the_receiving_county(make_user, tree):
    province = make_user(Role.OPERATOR, "35")
    ours = PersonFactory(name="林某", household=HouseholdFactory(jurisdiction=tree[GRID]))
    assert not ResolveForm({"person": ours.pk}, user=province, county="350206").is_valid()
    html = str(ResolveForm(user=province, county="350206")["person"])
    assert 'data-picker="/api/people/pick/persons/?within=350206"' in html
