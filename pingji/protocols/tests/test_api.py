"""/api/protocols/protocols/: list, detail, create-by-copy, amend, in-force."""

import pytest

from pingji.protocols.models import Protocol
from pingji.users.choices import Role

from .factories import ProtocolFactory, bundled_rules, national

URL = "/api/protocols/protocols/"


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMINISTRATOR, "35", username="fj-admin")


def test_a_county_lists_national_and_higher_versions(api, county_user, tree):
    ProtocolFactory(jurisdiction_code="3502")  # Xiamen's: not the county's business
    fujian = ProtocolFactory(jurisdiction_code="35")
    body = api(county_user).get(URL).json()
    listed = {row["jurisdiction_code"] for row in body["results"]}
    national = Protocol.objects.filter(jurisdiction_code="").count()
    assert listed == {"", "35"} and body["count"] == national + 1
    assert api(county_user).get(f"{URL}{fujian.pk}/").json()["rules"]["schema_version"] == 1


def test_create_copies_a_version_for_the_callers_area(api, admin):
    payload = {
        "based_on": national().pk,
        "jurisdiction_code": "35",
        "effective_from": "2021-09-20",
        "name": "福建省方案",
    }
    response = api(admin).post(URL, payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["based_on"] == national().pk
    again = api(admin).post(URL, payload, format="json")
    assert again.status_code == 400 and "effective_from" in again.json()


def test_create_outside_the_area_is_404_and_saves_nothing(api, make_user):
    xiamen = make_user(Role.ADMINISTRATOR, "3502")
    payload = {
        "based_on": national().pk,
        "jurisdiction_code": "3503",
        "effective_from": "2021-09-20",
        "name": "莆田",
    }
    assert api(xiamen).post(URL, payload, format="json").status_code == 404
    assert not Protocol.objects.filter(jurisdiction_code="3503").exists()


def test_an_operator_may_not_create(api, county_user):
    payload = {
        "based_on": national().pk,
        "jurisdiction_code": "350322",
        "effective_from": "2021-09-20",
        "name": "x",
    }
    assert api(county_user).post(URL, payload, format="json").status_code == 403


def test_amend_needs_a_reason_and_reports_rule_errors_by_path(api, admin):
    copy = ProtocolFactory(jurisdiction_code="35")
    url = f"{URL}{copy.pk}/"
    assert api(admin).patch(url, {"notes": "x"}, format="json").json() == {
        "reason": ["This field is required."]
    }
    rules = bundled_rules()
    rules["regimes"]["close_contact"]["test_days"]["home"] = [9]
    response = api(admin).patch(url, {"rules": rules, "reason": "x"}, format="json")
    assert response.status_code == 400
    path = "$.regimes.close_contact.test_days.home"
    assert response.json()["rules"] == [
        f"{path}: a test day lies after the end of this phase (7 days)"
    ]
    rules["regimes"]["close_contact"]["test_days"]["home"] = [2, 7]
    ok = api(admin).patch(url, {"rules": rules, "reason": "居家监测第2、7天检测"}, format="json")
    assert ok.status_code == 200 and ok.json()["rules"]["regimes"]["close_contact"]["test_days"][
        "home"
    ] == [2, 7]


def test_a_province_amending_a_national_version_gets_404(api, admin):
    response = api(admin).patch(
        f"{URL}{national().pk}/", {"notes": "x", "reason": "y"}, format="json"
    )
    assert response.status_code == 404
    assert national().notes != "x"


def test_in_force_answers_with_the_version_and_the_reason(api, county_user):
    response = api(county_user).get(
        f"{URL}in-force/", {"jurisdiction": "350322", "date": "2022-07-01"}
    )
    body = response.json()
    assert response.status_code == 200
    assert body["protocol"]["code"] == "cn-9th-edition"
    assert "2022-06-28" in body["reason"]
    assert {c["status"] for c in body["candidates"]} == {
        "in_force",
        "superseded",
        "not_yet_effective",
    }


def test_in_force_defaults_to_the_callers_jurisdiction_and_today(api, county_user):
    body = api(county_user).get(f"{URL}in-force/").json()
    assert body["jurisdiction"] == "350322" and body["protocol"]["code"] == "cn-class-b"


@pytest.mark.parametrize(
    "params, status",
    [({"jurisdiction": "350206"}, 404), ({"jurisdiction": "350322", "date": "15/09/2021"}, 400)],
)
def test_in_force_refuses_outside_areas_and_bad_dates(api, county_user, params, status):
    assert api(county_user).get(f"{URL}in-force/", params).status_code == status
