"""Opening an investigation under the protocol in force, exposures, contacts, deadlines."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pingji.core.events import events_for
from pingji.tasks.actions.work import do_escalate_overdue
from pingji.tasks.choices import TaskStatus
from pingji.tasks.models import Task
from pingji.tracing.actions.contacts import do_add_contact
from pingji.tracing.actions.investigations import (
    do_complete_core,
    do_complete_report,
    do_open_investigation,
    do_record_exposure,
)
from pingji.tracing.models import Contact, Exposure, Investigation

from .conftest import at

pytestmark = pytest.mark.django_db


def test_opening_takes_deadlines_and_lookback_from_the_8th_edition(case, epi):
    # Given a case reported 2021-09-12 09:00 (8th edition in force), onset 2021-09-10
    # When an epidemiologist opens its investigation
    inv = do_open_investigation(case, actor=epi)
    # Then the deadlines are 4 h and 24 h after the report, the look-back 2 days before onset
    assert inv.protocol.code == "cn-8th-edition"
    assert inv.core_due_at == at(12, 13)
    assert inv.report_due_at == at(13, 9)
    assert inv.lookback_from == datetime.date(2021, 9, 8)
    assert "第八版" in inv.deadline_clause and "第八版" in inv.lookback_clause
    assert inv.jurisdiction_id == case.jurisdiction_id
    # And a task of the county is due at the core-facts deadline, attached to the investigation
    task = Task.objects.for_source(inv).get()
    assert (task.kind, task.deadline, task.jurisdiction_id) == (
        "tracing.investigation",
        at(12, 13),
        "350322",
    )
    assert [e.kind for e in events_for(inv)] == ["tracing.opened"]


def test_an_asymptomatic_case_looks_back_from_its_sampling(case, epi):
    case.classification, case.severity, case.onset_date = "asymptomatic", "", None
    case.save()
    inv = do_open_investigation(case, actor=epi)
    assert inv.lookback_from == datetime.date(2021, 9, 9)  # sampled 09-11 08:00


def test_a_second_investigation_of_a_case_is_refused(case, epi):
    do_open_investigation(case, actor=epi)
    with pytest.raises(ValidationError) as exc:
        do_open_investigation(case, actor=epi)
    assert exc.value.message_dict["case"] == [f"{case} already has an investigation."]
    assert Investigation.objects.count() == 1 and Task.objects.count() == 1


def test_out_of_area_case_is_refused_and_nothing_saved(case, huli_epi):
    with pytest.raises(PermissionDenied):
        do_open_investigation(case, actor=huli_epi)
    assert not Investigation.objects.exists() and not Task.objects.exists()


def test_missed_core_deadline_escalates_through_the_task(case, epi):
    # Given an investigation whose core facts were due at 13:00
    inv = do_open_investigation(case, actor=epi)
    # When escalation runs at 14:00 without the core facts
    counts = do_escalate_overdue(now=at(12, 14))
    # Then the task climbs from the county to the city
    task = Task.objects.for_source(inv).get()
    assert counts["escalated"] == 1 and task.escalated_to_id == "3503"


def test_completing_core_closes_its_task_and_issues_the_report_task(case, epi):
    inv = do_open_investigation(case, actor=epi)
    do_complete_core(inv, actor=epi, summary="onset 09-10, two venues")
    tasks = {t.title.rsplit(": ", 1)[1]: t for t in Task.objects.for_source(inv)}
    assert tasks["core facts"].status == TaskStatus.DONE
    assert (tasks["report"].status, tasks["report"].deadline) == (TaskStatus.OPEN, at(13, 9))
    # the closed core task no longer escalates; the report task is not yet due at 14:00
    assert do_escalate_overdue(now=at(12, 14))["escalated"] == 0
    do_complete_report(inv, actor=epi)
    assert not Task.objects.for_source(inv).filter(status=TaskStatus.OPEN).exists()
    inv.refresh_from_db()
    assert inv.status == "reported" and inv.summary == "onset 09-10, two venues"


def test_the_report_comes_after_the_core_facts(case, epi):
    inv = do_open_investigation(case, actor=epi)
    with pytest.raises(ValidationError) as exc:
        do_complete_report(inv, actor=epi)
    assert exc.value.message_dict["status"] == ["Record the core facts first."]


def test_exposure_needs_a_place_and_ordered_times(case, epi):
    inv = do_open_investigation(case, actor=epi)
    with pytest.raises(ValidationError) as exc:
        do_record_exposure(inv, actor=epi, started_at=at(11, 10), ended_at=at(11, 9))
    assert exc.value.message_dict == {
        "place": ["Choose a place or describe it."],
        "ended_at": ["The case cannot leave before arriving."],
    }
    assert not Exposure.objects.exists()
    exposure = do_record_exposure(
        inv, actor=epi, place_text="菜市场", started_at=at(11, 8), ended_at=at(11, 9)
    )
    assert str(exposure) == "菜市场"


def test_contact_before_the_lookback_window_is_refused(case, epi, neighbour):
    inv = do_open_investigation(case, actor=epi)
    with pytest.raises(ValidationError) as exc:
        do_add_contact(
            inv,
            actor=epi,
            person=neighbour,
            tier="close_contact",
            setting="household",
            last_exposure_at=at(7, 20),
        )
    (message,) = exc.value.message_dict["last_exposure_at"]
    assert message.startswith(
        "The last exposure (2021-09-07) is before the look-back window, which starts on "
        "2021-09-08: 2 days before symptom onset or sampling"
    )
    assert not Contact.objects.exists()


def test_a_person_added_twice_is_refused(case, epi, neighbour):
    inv = do_open_investigation(case, actor=epi)
    facts = {"tier": "close_contact", "setting": "household", "last_exposure_at": at(8, 0)}
    contact = do_add_contact(inv, actor=epi, person=neighbour, **facts)
    assert (contact.source, contact.jurisdiction_id) == ("manual", inv.jurisdiction_id)
    with pytest.raises(ValidationError) as exc:
        do_add_contact(inv, actor=epi, person=neighbour, **facts)
    assert exc.value.message_dict["person"] == ["王某 is already a contact in this investigation."]
    assert Contact.objects.count() == 1


def test_the_case_is_not_its_own_contact_and_bad_choices_are_named(case, epi, resident):
    inv = do_open_investigation(case, actor=epi)
    with pytest.raises(ValidationError) as exc:
        do_add_contact(
            inv,
            actor=epi,
            person=resident,
            tier="close_contact",
            setting="household",
            last_exposure_at=at(11),
        )
    assert exc.value.message_dict["person"] == ["The case is not a contact of itself."]
    with pytest.raises(ValidationError) as exc:
        do_add_contact(
            inv,
            actor=epi,
            person=resident,
            tier="friend",
            setting="household",
            last_exposure_at=at(11),
        )
    assert "tier" in exc.value.message_dict


def test_a_person_outside_the_area_cannot_be_added_by_hand(case, epi, tree):
    from pingji.people.tests.factories import HouseholdFactory, PersonFactory

    stranger = PersonFactory(household=HouseholdFactory(jurisdiction=tree["350206001001001"]))
    inv = do_open_investigation(case, actor=epi)
    with pytest.raises(PermissionDenied):
        do_add_contact(
            inv,
            actor=epi,
            person=stranger,
            tier="close_contact",
            setting="venue",
            last_exposure_at=at(11),
        )
    assert not Contact.objects.exists()
