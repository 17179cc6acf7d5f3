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


def _contact_bundle(epi, case, make_person) -> tuple[dict, object]:
    from pingji.tracing.models import Contact
    from pingji.tracing.tests.factories import ContactFactory, InvestigationFactory

    investigation = InvestigationFactory(case=case)
    contact = ContactFactory(investigation=investigation, person=make_person("李某"))
    contacts = Contact.objects.restrict(epi)
    return case_bundle(epi, Case.objects.restrict(epi), contacts=contacts), contact


def _exposure_entry(bundle: dict) -> dict:
    return next(e for e in bundle["entry"] if e["resource"]["id"].startswith("contact-"))


def test_a_contact_is_added_through_tracing_once_and_corrected_only_there(epi, case, make_person):
    from pingji.tracing.models import Contact

    bundle, contact = _contact_bundle(epi, case, make_person)
    person, tier = contact.person, contact.tier
    contact.delete()
    first = do_import_bundle(as_bytes(bundle), actor=epi)
    assert first.ok and first.created == 1 and first.unchanged == 1  # the case is unchanged
    made = Contact.objects.get(person=person)
    assert made.tier == tier and made.source == "exchange" and made.investigation.case == case
    before = counts()
    assert do_import_bundle(as_bytes(bundle), actor=epi).unchanged == 2 and counts() == before
    changed = copy.deepcopy(bundle)
    _exposure_entry(changed)["resource"]["valueCodeableConcept"]["coding"][0]["code"] = (
        "secondary_contact"
    )
    refused = do_import_bundle(as_bytes(changed), actor=epi)
    assert [p.path for p in refused.problems] == ["tier"] and counts() == before


def test_a_contact_of_an_unknown_case_or_without_an_exposure_is_refused(epi, case, make_person):
    bundle, contact = _contact_bundle(epi, case, make_person)
    contact.delete()
    before = counts()
    for path, change in (
        ("focus", {"focus": [{"identifier": {"system": "urn:pingji:case", "value": "999999"}}]}),
        ("focus", {"focus": [{"identifier": {"system": "urn:partner:x", "value": "nobody"}}]}),
        ("effectiveDateTime", {"effectiveDateTime": None}),
    ):
        broken = copy.deepcopy(bundle)
        resource = _exposure_entry(broken)["resource"]
        resource.update({k: v for k, v in change.items() if v is not None})
        for k in [k for k, v in change.items() if v is None]:
            resource.pop(k)
        outcome = do_import_bundle(as_bytes(broken), actor=epi)
        assert not outcome.ok and counts() == before, path
        assert {p.path for p in outcome.problems} & {path, "identifier"}, outcome.problems


@pytest.fixture
def september():
    """The 8th edition in force, which quarantines close contacts."""
    from django.utils import timezone

    clock.set_now(timezone.make_aware(datetime.datetime(2021, 9, 14, 10)))
    yield
    clock.set_now(None)


def _placement_bundle(epi, tree, make_person) -> tuple[dict, object]:
    """A bundle of one person's placement at a site, re-addressed to another resident under a
    partner's identifier (so importing it is a new placement)."""
    from pingji.quarantine.actions.placement import do_place_person
    from pingji.quarantine.actions.sites import do_create_site
    from pingji.quarantine.models import Placement

    hotel = do_create_site(
        actor=epi, name="宾馆", kind="hotel", jurisdiction=tree["350322"], rooms=3
    )
    now = clock.now()
    placed = do_place_person(
        actor=epi,
        person=make_person("甲某"),
        exposure_at=now - datetime.timedelta(days=2),
        site=hotel,
        placed_at=now - datetime.timedelta(hours=2),
    )
    original = case_bundle(epi, Case.objects.none(), Placement.objects.filter(pk=placed.pk))
    bundle = copy.deepcopy(original)
    other = make_person("乙某")
    patient, encounter = (e["resource"] for e in bundle["entry"][:2])
    patient["identifier"] = [{"system": "urn:pingji:person", "value": str(other.pk)}]
    encounter["identifier"] = [{"system": "urn:partner:hotel", "value": "B-7"}]
    return original, bundle


def test_a_placement_is_placed_through_quarantine_once(epi, tree, make_person, september):
    from pingji.quarantine.models import Placement

    original, bundle = _placement_bundle(epi, tree, make_person)
    assert do_import_bundle(as_bytes(original), actor=epi).unchanged == 1  # ours, as it is
    first = do_import_bundle(as_bytes(bundle), actor=epi)
    assert first.ok and first.created == 1, first.problems
    made = Placement.objects.get(person__name="乙某")
    assert made.room.site.name == "宾馆" and made.category == "close_contact"
    before = counts()
    assert do_import_bundle(as_bytes(bundle), actor=epi).unchanged == 1 and counts() == before
    changed = copy.deepcopy(bundle)
    changed["entry"][1]["resource"]["class"]["code"] = "secondary_contact"
    assert [p.path for p in do_import_bundle(as_bytes(changed), actor=epi).problems] == ["class"]


@pytest.mark.parametrize(
    ("path", "change"),
    [
        ("location", lambda r: r["location"][0]["location"]["identifier"].update(value="999")),
        ("extension", lambda r: r.pop("extension")),
        ("period.start", lambda r: r["period"].pop("start")),
        ("category", lambda r: r["class"].update(code="nonsense")),
        (
            "identifier",
            lambda r: r["identifier"][0].update(system="urn:pingji:placement", value="9"),
        ),
    ],
)
def test_a_placement_that_cannot_be_placed_is_refused(
    epi, tree, make_person, september, path, change
):
    _original, bundle = _placement_bundle(epi, tree, make_person)
    change(bundle["entry"][1]["resource"])
    before = counts()
    outcome = do_import_bundle(as_bytes(bundle), actor=epi)
    assert not outcome.ok and counts() == before
    assert path in {p.path for p in outcome.problems}, outcome.problems


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
