"""The daily evaluation: days without infection, contacts, the screen, held past eligibility."""

import datetime

import pytest

from pingji.areas.actions.evaluations import TASK_KIND
from pingji.areas.choices import Verdict
from pingji.areas.evaluation import evaluate
from pingji.areas.models import Evaluation
from pingji.areas.tests.factories import RiskAreaFactory
from pingji.cases.tests.factories import CaseFactory
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.tasks.models import Task
from pingji.tracing.tests.factories import ContactFactory, InvestigationFactory

from .conftest import at

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def sealed(tree, compound):
    return RiskAreaFactory(jurisdiction=tree["350322"], extent=[compound])


@pytest.fixture
def case_in_building(building):
    """An infection of a resident of the compound's building, reported 2021-09-15."""
    person = PersonFactory(
        household=HouseholdFactory(jurisdiction=building.jurisdiction, place=building)
    )
    return CaseFactory(person=person, reported_at=at(9, 15), sampled_at=at(9, 14, 20))


def test_a_sealed_area_waits_14_days_after_its_last_infection(sealed, case_in_building, evidence):
    # Given a sealed compound whose building had an infection reported on 15 September
    # When the 28th is evaluated
    found = evaluate(D(2021, 9, 28))[sealed.pk]
    # Then it is not yet: 13 of 14 days, earliest the 29th, and the screen not asked yet
    assert found.verdict == Verdict.NOT_YET
    assert found.last_infection_on == D(2021, 9, 15)
    assert found.earliest_on == D(2021, 9, 29)
    assert "13 of 14 days" in found.reasons[0]
    assert evidence.screen_calls == []
    # When the 29th is evaluated, with a complete negative screen in the 48 h before
    found = evaluate(D(2021, 9, 29))[sealed.pk]
    # Then it is eligible to be lifted, with the evidence, and the screen window is 48 h
    assert found.verdict == Verdict.ELIGIBLE and found.to_level == ""
    assert found.evidence["screen"]["complete"] is True
    codes, places, start, end = evidence.screen_calls[0]
    assert places == [sealed.places.get().pk] and end - start == datetime.timedelta(hours=48)
    row = Evaluation.objects.get(area=sealed, day=D(2021, 9, 29))
    assert row.verdict == Verdict.ELIGIBLE and row.eligible_since == D(2021, 9, 29)


def test_contacts_still_in_quarantine_keep_the_area(sealed, case_in_building, evidence):
    inv = InvestigationFactory(case=case_in_building)
    contact = ContactFactory(investigation=inv, last_exposure_at=at(9, 20))
    evidence.unreleased = {contact.pk}
    found = evaluate(D(2021, 9, 29))[sealed.pk]
    assert found.verdict == Verdict.NOT_YET
    assert found.earliest_on == D(2021, 10, 4)  # 14 days after the last exposure
    assert "unreleased_contacts" not in found.evidence  # quarantine is asked once the dates allow
    found = evaluate(D(2021, 10, 4))[sealed.pk]
    assert found.verdict == Verdict.NOT_YET
    assert any("1 contacts are still in quarantine" in r for r in found.reasons)
    evidence.unreleased = set()
    assert evaluate(D(2021, 10, 4))[sealed.pk].verdict == Verdict.ELIGIBLE


def test_a_contact_who_became_an_infection_counts_as_one_not_as_a_contact(
    sealed, case_in_building, evidence
):
    # Given a contact of the area's case, still "unreleased" for quarantine: they tested positive
    inv = InvestigationFactory(case=case_in_building)
    contact = ContactFactory(investigation=inv, last_exposure_at=at(9, 16))
    evidence.unreleased = {contact.pk}
    # and reported as a case (outside the area) on 20 September
    CaseFactory(person=contact.person, reported_at=at(9, 20), sampled_at=at(9, 19))
    # When the day is evaluated once 14 days have passed since the area's last infection
    found = evaluate(D(2021, 9, 30))[sealed.pk]
    # Then the contact no longer holds the area: their infection is counted where they live
    assert found.verdict == Verdict.ELIGIBLE
    assert found.evidence["contacts"] == 0
    # but before they were reported, they were a contact still in quarantine
    before = evaluate(D(2021, 9, 19), area_ids=[sealed.pk], store=False)[sealed.pk]
    assert before.evidence["contacts"] == 1


def test_an_incomplete_or_positive_screen_keeps_the_area(sealed, case_in_building, evidence):
    evidence.screen = type(evidence.screen)(100, 97, 0, False, 1)
    found = evaluate(D(2021, 9, 29))[sealed.pk]
    assert found.verdict == Verdict.NOT_YET and "97 of 100 tested" in found.reasons[0]
    evidence.screen = type(evidence.screen)(100, 100, 1, True, 1)
    assert "1 positive" in evaluate(D(2021, 9, 29))[sealed.pk].reasons[0]


def test_an_area_kept_past_eligibility_goes_up_as_a_work_item(sealed, case_in_building, evidence):
    evaluate(D(2021, 9, 29))
    found = evaluate(D(2021, 9, 30))[sealed.pk]
    assert found.verdict == Verdict.HELD and found.eligible_since == D(2021, 9, 29)
    task = Task.objects.get(kind=TASK_KIND)
    assert task.jurisdiction_id == "3503"  # the level above the deciding county
    assert task.source == sealed
    # evaluating again does not issue a second item
    evaluate(D(2021, 10, 1))
    assert Task.objects.filter(kind=TASK_KIND).count() == 1


def test_a_precaution_area_waits_for_the_county_s_sealed_areas(tree, sealed, evidence):
    precaution = RiskAreaFactory(
        jurisdiction=tree["350322"], level="precaution", extent=[], name="防范区"
    )
    precaution.jurisdictions.set(["350322100"])
    found = evaluate(D(2021, 9, 20))[precaution.pk]
    assert found.verdict == Verdict.NOT_YET
    assert found.evidence["stricter_levels_in_county"] == ["sealed"]
    sealed.status = "lifted"
    sealed.save()
    assert evaluate(D(2021, 9, 21))[precaution.pk].verdict == Verdict.ELIGIBLE


def test_infections_elsewhere_do_not_count_and_without_any_days_run_from_designation(
    tree, sealed, evidence
):
    CaseFactory(
        person=PersonFactory(household=HouseholdFactory(jurisdiction=tree["350322100001002"])),
        reported_at=at(9, 25),
    )
    found = evaluate(D(2021, 9, 27))[sealed.pk]
    assert found.last_infection_on is None
    assert found.earliest_on == D(2021, 9, 28)  # 14 days after 14 September


def test_a_jurisdiction_extent_covers_its_grids(tree, evidence):
    area = RiskAreaFactory(jurisdiction=tree["350322"], extent=[], level="controlled")
    area.jurisdictions.set(["350322100001"])
    CaseFactory(
        person=PersonFactory(household=HouseholdFactory(jurisdiction=tree["350322100001002"])),
        reported_at=at(9, 20),
    )
    assert evaluate(D(2021, 9, 25))[area.pk].last_infection_on == D(2021, 9, 20)


def test_a_case_of_another_disease_does_not_hold_a_covid_risk_area(
    sealed, case_in_building, building, evidence
):
    # Given the compound's COVID-19 case of 15 September, and a dengue case there on the 20th
    person = PersonFactory(
        household=HouseholdFactory(jurisdiction=building.jurisdiction, place=building)
    )
    CaseFactory(person=person, disease_id="dengue", reported_at=at(9, 20), sampled_at=at(9, 19))
    # Then the area still counts its days from the COVID-19 case (decision 0041)
    found = evaluate(D(2021, 9, 29))[sealed.pk]
    assert found.last_infection_on == D(2021, 9, 15) and found.verdict == Verdict.ELIGIBLE
