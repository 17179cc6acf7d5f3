"""Laboratory result messages recorded through quarantine: once, positive only when confirmed."""

import json

import pytest
from django.core.exceptions import PermissionDenied

from pingji.cases.models import Case
from pingji.exchange.actions.lab import do_import_lab_messages
from pingji.exchange.models import LabMessage
from pingji.quarantine.actions.placement import do_place_person
from pingji.quarantine.actions.sites import do_create_site
from pingji.quarantine.models import ScheduledTest
from pingji.quarantine.tests.conftest import sep
from pingji.users.choices import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(make_user):
    return make_user(Role.OPERATOR, "350322")


@pytest.fixture
def placed(tree, operator, resident):
    site = do_create_site(
        actor=operator, name="仙游宾馆", kind="hotel", jurisdiction=tree["350322"], rooms=3
    )
    return do_place_person(
        actor=operator, person=resident, exposure_at=sep(10, 15), site=site, placed_at=sep(12, 20)
    )


def message(person, *, value="M-1", code="NEG", sampled=None) -> bytes:
    observation = {
        "resourceType": "Observation",
        "id": "obs-1",
        "identifier": [{"system": "urn:lab:putian", "value": value}],
        "status": "final",
        "code": {"text": "SARS-CoV-2 RNA"},
        "subject": {"reference": "Patient/p"},
        "effectiveDateTime": (sampled or sep(13, 8)).isoformat(),
        "issued": sep(13, 18).isoformat(),
        "interpretation": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
                        "code": code,
                    }
                ]
            }
        ],
    }
    patient = {
        "resourceType": "Patient",
        "id": "p",
        "identifier": [{"system": "urn:pingji:person", "value": str(person.pk)}],
    }
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": patient}, {"resource": observation}],
    }
    return json.dumps(bundle).encode()


def recorded(placement):
    return list(placement.tests.exclude(status="pending").exclude(status="cancelled"))


def test_a_negative_message_is_recorded_once(epi, placed):
    first = do_import_lab_messages(message(placed.person), actor=epi)
    assert first.ok and first.recorded == 1
    assert [t.status for t in recorded(placed)] == ["negative"]
    again = do_import_lab_messages(message(placed.person), actor=epi)
    assert again.ok and again.unchanged == 1
    assert len(recorded(placed)) == 1 and LabMessage.objects.count() == 1


def test_a_changed_message_is_refused(epi, placed):
    do_import_lab_messages(message(placed.person), actor=epi)
    outcome = do_import_lab_messages(message(placed.person, code="POS"), actor=epi)
    assert not outcome.ok and "other facts" in outcome.problems[0].reason


def test_a_positive_needs_confirming_and_then_reports_a_case(epi, placed):
    refused = do_import_lab_messages(message(placed.person, code="POS"), actor=epi)
    assert not refused.ok and not Case.objects.exists() and not recorded(placed)
    outcome = do_import_lab_messages(message(placed.person, code="POS"), actor=epi, confirm=True)
    assert outcome.ok
    case = Case.objects.get(person=placed.person)
    assert case.report_card.card_number is None  # its direct-report card is opened too


def test_a_person_not_placed_or_elsewhere_is_refused(epi, huli_epi, resident, huli_resident):
    not_placed = do_import_lab_messages(message(resident), actor=epi)
    assert "not under placement" in not_placed.problems[0].reason
    elsewhere = do_import_lab_messages(message(resident), actor=huli_epi)
    assert elsewhere.problems[0].entry == 0
    assert not ScheduledTest.objects.exclude(status="pending").exists()


def test_only_exchange_roles_import(placed, operator):
    with pytest.raises(PermissionDenied):
        do_import_lab_messages(message(placed.person), actor=operator)


def test_the_api_records_and_reports(api, epi, placed):
    body = json.loads(message(placed.person, code="POS"))
    refused = api(epi).post("/api/exchange/fhir/lab/", body, format="json")
    assert refused.status_code == 400 and refused.json()["problems"][0]["entry"] == 1
    answer = api(epi).post("/api/exchange/fhir/lab/?confirm=1", body, format="json")
    assert answer.status_code == 200 and answer.json()["recorded"] == 1


def test_placements_and_results_are_in_the_exported_bundle(api, epi, huli_epi, placed):
    from fhir.resources.R4B.bundle import Bundle

    do_import_lab_messages(message(placed.person), actor=epi)
    bundle = api(epi).get("/api/exchange/fhir/cases/").json()
    Bundle.model_validate(bundle)
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds == ["Patient", "Encounter", "Observation"]
    observation = bundle["entry"][2]["resource"]
    assert observation["valueCodeableConcept"]["coding"][0]["code"] == "negative"
    assert api(huli_epi).get("/api/exchange/fhir/cases/").json()["entry"] == []
