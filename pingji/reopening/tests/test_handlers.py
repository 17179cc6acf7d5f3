"""A case among an establishment's staff or pupils raises an alert and a proposal to pause."""

import pytest
from django.core.exceptions import ValidationError

from pingji.cases.actions.reports import do_report_case
from pingji.cases.choices import Channel, Classification
from pingji.core.models import DomainEvent
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.reopening.actions.registry import do_add_member
from pingji.reopening.actions.resumption import do_decide_alert
from pingji.reopening.choices import AlertStatus, Status
from pingji.reopening.models import Alert
from pingji.users.choices import Role

from .conftest import at
from .factories import EstablishmentFactory, SchoolFactory


@pytest.fixture
def epi(make_user):
    return make_user(Role.EPIDEMIOLOGIST, "350322")


def report(epi, person):
    return do_report_case(
        actor=epi,
        person=person,
        classification=Classification.ASYMPTOMATIC,
        channel=Channel.COMMUNITY_SCREENING,
        reported_at=at(9, 20),
        sampled_at=at(9, 19),
    )


def test_a_case_among_pupils_proposes_a_pause_and_a_person_decides(epi, operator, grid):
    school, factory_ = SchoolFactory(jurisdiction=grid), EstablishmentFactory(jurisdiction=grid)
    pupil = PersonFactory(household=HouseholdFactory(jurisdiction=grid))
    do_add_member(school, pupil, "pupil", actor=operator)
    do_add_member(factory_, pupil, "staff", actor=operator)  # a pupil with a holiday job

    case = report(epi, pupil)

    alerts = Alert.objects.filter(case=case)
    assert {(a.establishment_id, a.role) for a in alerts} == {
        (school.pk, "pupil"),
        (factory_.pk, "staff"),
    }
    assert DomainEvent.objects.filter(kind="reopening.alert_raised").count() == 2
    school.refresh_from_db()
    assert school.status == Status.OPEN  # proposed, not done

    alert = alerts.get(establishment=school)
    alert = do_decide_alert(alert, actor=operator, pause=True, at=at(9, 20, 12))
    school.refresh_from_db()
    assert school.status == Status.PAUSED and alert.status == AlertStatus.PAUSED
    with pytest.raises(ValidationError):
        do_decide_alert(alert, actor=operator, pause=False)


def test_a_case_linked_to_a_closed_establishment_raises_nothing(epi, operator, grid):
    school = SchoolFactory(jurisdiction=grid, status=Status.CLOSED)
    teacher = PersonFactory(household=HouseholdFactory(jurisdiction=grid))
    do_add_member(school, teacher, "staff", actor=operator)
    report(epi, teacher)
    assert not Alert.objects.exists()


def test_pupils_only_in_schools_and_once(operator, grid):
    factory_ = EstablishmentFactory(jurisdiction=grid)
    person = PersonFactory(household=HouseholdFactory(jurisdiction=grid))
    with pytest.raises(ValidationError):
        do_add_member(factory_, person, "pupil", actor=operator)
    do_add_member(factory_, person, "staff", actor=operator)
    with pytest.raises(ValidationError):
        do_add_member(factory_, person, "staff", actor=operator)
