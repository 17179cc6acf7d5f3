"""FHIR bundles (export, validated import with upsert) and the DHIS2 aggregate export."""

import copy
import datetime
import json

import pytest
from fhir.resources.R4B.bundle import Bundle

from pingji.analytics.models import DailyIndicator
from pingji.cases.models import Case
from pingji.core import clock
from pingji.core.models import DomainEvent, ObjectChange
from pingji.exchange.actions.bundles import do_import_bundle
from pingji.exchange.standards.dhis2 import data_value_set
from pingji.exchange.standards.fhir import case_bundle

from .helpers import plain_id

pytestmark = pytest.mark.django_db


def bundle_of(epi) -> dict:
    return case_bundle(epi, Case.objects.restrict(epi))


def test_the_bundle_is_valid_r4b_and_names_nobody_by_identity_number(epi, case, huli_case):
    bundle = bundle_of(epi)
    Bundle.model_validate(bundle)
    text = json.dumps(bundle, ensure_ascii=False)
    assert plain_id(case.person) not in text and case.person.id_number_hash not in text
    assert case.person.id_number_masked in text
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds == ["Patient", "Condition"]  # only the caller's area
    condition = bundle["entry"][1]["resource"]
    assert condition["identifier"] == [{"system": "urn:pingji:case", "value": str(case.pk)}]


def test_a_contact_is_an_exposure_of_its_person_about_the_index_case(epi, case, make_person):
    from pingji.tracing.models import Contact
    from pingji.tracing.tests.factories import ContactFactory, InvestigationFactory

    contact = ContactFactory(
        investigation=InvestigationFactory(case=case), person=make_person("李某")
    )
    bundle = case_bundle(epi, Case.objects.restrict(epi), contacts=Contact.objects.restrict(epi))
    Bundle.model_validate(bundle)
    resources = {e["resource"]["id"]: e["resource"] for e in bundle["entry"]}
    exposure = resources[f"contact-{contact.pk}"]
    assert exposure["subject"] == {"reference": f"Patient/person-{contact.person_id}"}
    assert exposure["focus"] == [
        {"identifier": {"system": "urn:pingji:case", "value": str(case.pk)}}
    ]
    assert exposure["valueCodeableConcept"]["coding"][0]["code"] == contact.tier
    assert f"person-{contact.person_id}" in resources  # the contact's Patient travels with it
    assert plain_id(contact.person) not in json.dumps(bundle, ensure_ascii=False)


def as_bytes(bundle: dict) -> bytes:
    return json.dumps(bundle).encode()


def partner_bundle(epi, case, value="LAB-1") -> dict:
    """The case's person with a new condition under a partner's identifier."""
    bundle = bundle_of(epi)
    condition = bundle["entry"][1]["resource"]
    condition["id"] = "partner-1"
    condition["identifier"] = [{"system": "urn:partner:cdc", "value": value}]
    condition["code"]["coding"][0]["code"] = "dengue"
    return bundle


def counts():
    return Case.objects.count(), DomainEvent.objects.count(), ObjectChange.objects.count()


def test_a_partner_condition_reports_a_case_once(epi, case):
    data = as_bytes(partner_bundle(epi, case))
    first = do_import_bundle(data, actor=epi)
    assert first.ok and first.created == 1
    new = Case.objects.exclude(pk=case.pk).get()
    assert new.disease_id == "dengue" and hasattr(new, "report_card")
    before = counts()
    again = do_import_bundle(data, actor=epi)
    assert again.ok and again.unchanged == 1 and counts() == before


def test_a_changed_condition_updates_through_the_actions(epi, case):
    bundle = partner_bundle(epi, case)
    do_import_bundle(as_bytes(bundle), actor=epi)
    changed = copy.deepcopy(bundle)
    changed["entry"][1]["resource"]["severity"]["coding"][0]["code"] = "severe"
    outcome = do_import_bundle(as_bytes(changed), actor=epi)
    assert outcome.ok and outcome.updated == 1
    assert Case.objects.get(disease_id="dengue").severity == "severe"


def test_pingji_s_own_identifier_is_an_update_of_that_case(epi, case):
    bundle = bundle_of(epi)
    assert do_import_bundle(as_bytes(bundle), actor=epi).unchanged == 1
    bundle["entry"][1]["resource"]["verificationStatus"]["coding"][0]["code"] = "entered-in-error"
    assert do_import_bundle(as_bytes(bundle), actor=epi).updated == 1
    case.refresh_from_db()
    assert case.voided


def test_a_bundle_that_does_not_validate_is_answered_per_entry(epi, case):
    bundle = partner_bundle(epi, case)
    bundle["entry"][0]["resource"]["birthDate"] = "not a date"
    bundle["entry"][1]["resource"]["foo"] = "<script>"
    before = counts()
    outcome = do_import_bundle(as_bytes(bundle), actor=epi)
    assert {(p.entry, p.path) for p in outcome.problems} >= {
        (0, "resource.birthDate"),
        (1, "resource.foo"),
    }
    assert counts() == before


def test_nothing_is_applied_when_one_entry_is_refused(epi, case, huli_case):
    bundle = partner_bundle(epi, case)
    stranger = copy.deepcopy(bundle["entry"][0])
    stranger["resource"]["id"] = "x"
    stranger["resource"]["identifier"][0]["value"] = str(huli_case.person_id)  # not in my area
    bundle["entry"].append(stranger)
    before = counts()
    outcome = do_import_bundle(as_bytes(bundle), actor=epi)
    assert [p.entry for p in outcome.problems] == [2]
    assert counts() == before and outcome.created == 0


def test_hostile_and_huge_input(epi):
    assert not do_import_bundle(b"\xff\xfe", actor=epi).ok
    assert not do_import_bundle(b"[1,2]", actor=epi).ok
    assert not do_import_bundle(b" " * (6 << 20), actor=epi).ok


def test_the_api_exports_and_imports(api, epi, huli_epi, case):
    bundle = api(epi).get("/api/exchange/fhir/cases/").json()
    assert len(bundle["entry"]) == 2
    assert api(huli_epi).get("/api/exchange/fhir/cases/").json()["entry"] == []
    answer = api(epi).post("/api/exchange/fhir/cases/", partner_bundle(epi, case), format="json")
    assert answer.status_code == 200 and answer.json()["created"] == 1
    bad = api(epi).post("/api/exchange/fhir/cases/", {"resourceType": "Bundle"}, format="json")
    assert bad.status_code == 400 and bad.json()["problems"]


def test_dhis2_data_values_of_the_caller_s_area(tree, epi, huli_epi, api):
    day = datetime.date(2021, 9, 12)
    for code, value in (("350322", 5), ("350206", 7)):
        DailyIndicator.objects.create(
            jurisdiction=tree[code],
            day=day,
            key="new_confirmed",
            value=value,
            computed_at=clock.now(),
        )
    document = data_value_set(epi, day, day)
    assert document == {
        "dataValues": [
            {
                "dataElement": "new_confirmed",
                "period": "20210912",
                "orgUnit": "350322",
                "value": "5",
            }
        ]
    }
    answer = api(huli_epi).get("/api/exchange/dhis2/dataValueSets/?start=2021-09-12&end=2021-09-12")
    assert [v["orgUnit"] for v in answer.json()["dataValues"]] == ["350206"]
    too_long = api(epi).get("/api/exchange/dhis2/dataValueSets/?start=2021-01-01&end=2021-12-31")
    assert too_long.status_code == 400
