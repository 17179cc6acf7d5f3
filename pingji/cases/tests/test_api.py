"""The cases API: report, list with filters, correct, reclassify, outcome; scope and bad input."""

import pytest

from pingji.cases.models import Case
from pingji.core.events import events_for

from .factories import CaseFactory

URL = "/api/cases/cases/"


def body(person, **over):
    data = {
        "person": person.pk,
        "classification": "asymptomatic",
        "sampled_at": "2021-09-11T08:00:00+08:00",
        "reported_at": "2021-09-12T09:00:00+08:00",
        "channel": "centralised_quarantine",
    }
    return {**data, **over}


def test_reporting_and_listing(api, epi, resident):
    response = api(epi).post(URL, body(resident), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["found_inside_control"] is True
    assert data["id_number_masked"] == resident.id_number_masked
    assert "id_number" not in data
    listed = api(epi).get(URL, {"inside_control": "true", "classification": "asymptomatic"})
    assert [r["id"] for r in listed.json()["results"]] == [data["id"]]


def test_a_duplicate_is_400_naming_the_case(api, epi, resident):
    existing = CaseFactory(person=resident)
    response = api(epi).post(URL, body(resident), format="json")
    assert response.status_code == 400
    assert f"Case {existing.pk}" in response.json()["person"][0]
    assert Case.objects.count() == 1


def test_bad_input_names_the_field(api, epi, resident):
    response = api(epi).post(URL, body(resident, severity="mild"), format="json")
    assert response.status_code == 400
    assert response.json()["severity"] == ["Only a confirmed case has a severity."]
    missing = api(epi).post(URL, {"classification": "confirmed"}, format="json")
    assert missing.status_code == 400 and "reported_at" in missing.json()
    assert not Case.objects.exists()


def test_a_person_outside_the_area_does_not_exist(api, huli_epi, resident):
    response = api(huli_epi).post(URL, body(resident), format="json")
    assert response.status_code == 400 and "person" in response.json()
    assert not Case.objects.exists()


def test_reclassify_counts_as_bulletins_do(api, epi, resident):
    case_id = api(epi).post(URL, body(resident), format="json").json()["id"]
    response = api(epi).post(
        f"{URL}{case_id}/reclassify/",
        {
            "classification": "confirmed",
            "severity": "mild",
            "onset_date": "2021-09-13",
            "at": "2021-09-14T10:00:00+08:00",
            "reason": "symptoms_developed",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["classification"] == "confirmed"
    payload = events_for(Case.objects.get()).get(kind="cases.reclassified").payload
    assert (payload["new_confirmed"], payload["new_infection"]) == (1, 0)


def test_outside_writes_are_404_and_change_nothing(api, huli_epi, resident):
    case = CaseFactory(person=resident, classification="asymptomatic", severity="", onset_date=None)
    for path, data in (
        ("reclassify/", {"classification": "confirmed", "at": "2021-09-14T10:00:00+08:00"}),
        ("outcome/", {"outcome": "recovered", "at": "2021-09-20T10:00:00+08:00"}),
    ):
        assert api(huli_epi).post(f"{URL}{case.pk}/{path}", data, format="json").status_code == 404
    case.refresh_from_db()
    assert (case.classification, case.outcome) == ("asymptomatic", "under_treatment")


def test_patch_corrects_and_cannot_touch_the_classification(api, epi, resident):
    case = CaseFactory(person=resident)
    response = api(epi).patch(
        f"{URL}{case.pk}/",
        {"channel": "home_quarantine", "classification": "suspected"},
        format="json",
    )
    assert response.status_code == 200
    case.refresh_from_db()
    assert (case.channel, case.classification) == ("home_quarantine", "confirmed")


@pytest.mark.parametrize("method", ["delete", "put"])
def test_cases_are_never_deleted_or_replaced(api, epi, resident, method):
    case = CaseFactory(person=resident)
    response = getattr(api(epi), method)(f"{URL}{case.pk}/", {}, format="json")
    assert response.status_code in (403, 405)  # the role may not delete; nobody may replace
    assert Case.objects.filter(pk=case.pk).exists()


def test_a_commander_may_read_but_not_report(api, make_user, resident):
    from pingji.users.choices import Role

    commander = make_user(Role.COMMANDER, "350322")
    CaseFactory(person=resident)
    assert api(commander).get(URL).json()["count"] == 1
    assert api(commander).post(URL, body(resident), format="json").status_code == 403
