"""The establishment picker and the reopening forms' pickers: scoped to the caller's area,
narrowed by ``within`` and ``kind``, namesakes told apart, malformed input a 400; a form refuses an
establishment or jurisdiction outside the area (or a survey's targets) as a form error."""

import datetime

import pytest
from django.urls import reverse

from pingji.reopening.choices import Kind
from pingji.reopening.forms import AnswerForm, AreaImportForm, EstablishmentForm, SurveyForm
from pingji.reopening.models import Survey, SurveyReturn
from pingji.reopening.tests.factories import EstablishmentFactory, SchoolFactory
from pingji.users.choices import Role

from .conftest import GRID, HULI_GRID

pytestmark = pytest.mark.django_db
URL = "/api/people/pick/establishments/"
OTHER_GRID = "350322100001002"
OPENED = datetime.datetime(2021, 9, 14, 9, 0, tzinfo=datetime.UTC)
FORGED = ["abc", "9" * 30, "-1", "1 OR 1=1", "²"]


def ids(response) -> list:
    assert response.status_code == 200, response.content
    return [r["id"] for r in response.json()["results"]]


@pytest.fixture
def shops(tree):
    """华联超市 in each grid of 仙游县 and in 湖里区, and a school."""
    return [
        EstablishmentFactory(jurisdiction=tree[grid], name="华联超市", address=address)
        for grid, address in (
            (GRID, "东门路1号"),
            (OTHER_GRID, "紫霞路8号"),
            (HULI_GRID, "海山路2号"),
        )
    ] + [SchoolFactory(jurisdiction=tree[GRID], name="华侨小学")]


@pytest.fixture
def operator(make_user):
    return make_user(Role.OPERATOR, "350322")


@pytest.fixture
def huli_operator(make_user):
    return make_user(Role.OPERATOR, "350206")


def test_establishments_are_those_of_the_area(api, operator, huli_operator, shops):
    assert set(ids(api(operator).get(URL, {"q": "华"}))) == {s.pk for s in shops} - {shops[2].pk}
    assert ids(api(huli_operator).get(URL, {"q": "华联"})) == [shops[2].pk]


def test_namesakes_are_told_apart_by_address_and_grid(api, operator, shops):
    found = api(operator).get(URL, {"q": "华联超市"}).json()["results"]
    labels = {r["id"]: r["label"] for r in found}
    assert "东门路1号" in labels[shops[0].pk] and "东门一网格" in labels[shops[0].pk]
    assert "紫霞路8号" in labels[shops[1].pk] and "东门二网格" in labels[shops[1].pk]


def test_the_credit_code_finds_an_establishment(api, operator, shops):
    code = shops[0].credit_code
    assert ids(api(operator).get(URL, {"q": code[:-1].lower()})) == [shops[0].pk]


def test_kind_and_within_narrow_and_never_widen(api, operator, shops):
    assert ids(api(operator).get(URL, {"q": "华", "kind": Kind.SCHOOL})) == [shops[3].pk]
    assert ids(api(operator).get(URL, {"q": "华", "within": OTHER_GRID})) == [shops[1].pk]
    assert ids(api(operator).get(URL, {"q": "华", "within": "350206"})) == []


@pytest.mark.parametrize(
    "params",
    [
        {"q": ""},
        {"q": "华" * 51},
        {"q": "13812345678"},
        {"q": "华\x00"},
        {"q": "华", "kind": "palace"},
        {"q": "华", "within": "35 OR 1"},
    ],
)
def test_bad_input_is_400(api, operator, shops, params):
    response = api(operator).get(URL, params)
    assert response.status_code == 400 and response.json()["detail"]


def test_no_login_no_establishments(api, shops):
    assert api().get(URL, {"q": "华"}).status_code in (401, 403)


ESTABLISHMENT = {
    "kind": Kind.ENTERPRISE,
    "name": "新厂",
    "sector": "manufacturing",
    "workforce": 10,
    "pupils": 0,
}


@pytest.mark.parametrize(
    ("form_class", "name", "data"),
    [
        (EstablishmentForm, "jurisdiction", ESTABLISHMENT),
        (AreaImportForm, "area", {}),
        (SurveyForm, "jurisdiction", {"title": "摸排", "due_at": "2031-01-01T10:00"}),
    ],
)
def test_a_jurisdiction_field_takes_the_area_and_refuses_the_rest(
    operator, tree, form_class, name, data
):
    def errors(code):
        return form_class({**data, name: code}, user=operator, focus="").errors.get(name)

    assert errors(GRID) is None and errors("350322") is None
    for code in (HULI_GRID, "350206", "35", *FORGED):
        assert errors(code) == ["No such jurisdiction in your area."], code
    focused = form_class({**data, name: OTHER_GRID}, user=operator, focus=GRID)
    assert focused.errors.get(name) == ["No such jurisdiction in your area."]


@pytest.fixture
def school_survey(tree):
    return Survey.objects.create(
        title="学校摸排",
        jurisdiction=tree["350322"],
        kind=Kind.SCHOOL,
        opened_at=OPENED,
        due_at=OPENED + datetime.timedelta(days=2),
    )


def test_an_answer_names_an_establishment_the_survey_asks(operator, shops, school_survey):
    def errors(key):
        form = AnswerForm(
            {"establishment": key, "state": "closed"}, user=operator, survey=school_survey
        )
        return form.errors.get("establishment")

    assert errors(shops[3].pk) is None
    refusal = ["No such establishment among those this survey asks in your area."]
    for key in (shops[0].pk, shops[2].pk, *FORGED):  # not a school; another county's; forged
        assert errors(key) == refusal, key
    html = str(AnswerForm(user=operator, survey=school_survey)["establishment"])
    assert 'data-picker="/api/people/pick/establishments/?within=350322&amp;kind=school"' in html


def test_answering_another_countys_establishment_is_400(client, operator, shops, school_survey):
    client.force_login(operator)
    url = reverse("reopening:survey_answer", args=[school_survey.pk])
    response = client.post(url, {"establishment": shops[2].pk, "state": "closed"})
    assert response.status_code == 400
    assert "No such establishment among those this survey asks" in response.content.decode()
    assert not SurveyReturn.objects.exists()
    answer = {"state": "closed", "staff_in_controlled_areas": 0, "staff_in_quarantine": 0}
    assert client.post(url, {"establishment": shops[3].pk, **answer}).status_code == 302
    assert SurveyReturn.objects.get().establishment == shops[3]
