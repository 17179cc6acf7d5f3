"""The card of a reported case: opened with its filing task, filed, kept in step, escalated."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pingji.cases.actions.course import do_reclassify_case, do_void_case
from pingji.cases.actions.reports import do_report_case
from pingji.core import clock
from pingji.core.actions import Conflict
from pingji.core.events import events_for
from pingji.exchange.actions.cards import TASK_KIND, do_file_card, do_update_card
from pingji.exchange.choices import CardStatus, Occupation, card_data
from pingji.exchange.contracts import CARD_FILED
from pingji.exchange.models import ReportCard
from pingji.tasks.actions.work import do_escalate_overdue
from pingji.tasks.choices import TaskStatus
from pingji.tasks.models import Task

from .conftest import at

pytestmark = pytest.mark.django_db


def task_of(card):
    return Task.objects.for_source(card).get(kind=TASK_KIND)


def fill(card, actor):
    return do_update_card(
        card, actor=actor, occupation=Occupation.TEACHER, reporting_unit="仙游县医院"
    )


def test_the_card_list_is_the_national_card_s():
    assert [c for c, _ in card_data()["occupations"]] == list(Occupation.values)
    assert "2015" in card_data()["source"]
    assert dict(card_data()["occupations"])["fisherman"] == "渔(船)民"


def test_a_reported_case_opens_its_card_and_a_two_hour_task(case):
    card = case.report_card
    assert card.diagnosed_at == case.reported_at
    assert card.due_at == case.reported_at + datetime.timedelta(hours=2)  # class B managed as A
    task = task_of(card)
    assert task.deadline == card.due_at
    assert task.jurisdiction_id == "350322"  # the county files, not the grid
    assert task.status == TaskStatus.OPEN
    assert "2小时" in task.description


def test_under_class_b_management_the_limit_is_24_hours(epi, resident, confirmed_facts):
    reported = clock.now() - datetime.timedelta(hours=1)
    facts = {
        **confirmed_facts,
        "reported_at": reported,
        "sampled_at": reported - datetime.timedelta(hours=3),
        "onset_date": (reported - datetime.timedelta(days=2)).date(),
    }
    case = do_report_case(actor=epi, person=resident, **facts)
    assert case.report_card.due_at == reported + datetime.timedelta(hours=24)
    assert case.report_card.status == CardStatus.TO_FILE


def test_an_overdue_card_escalates_like_any_task(case):
    card = case.report_card
    assert card.status == CardStatus.OVERDUE  # reported in 2021: long past its two hours
    counts = do_escalate_overdue()
    assert counts["escalated"] >= 1
    assert task_of(card).escalated_to_id == "3503"


def test_filing_closes_the_task_and_records_the_event(case, epi):
    card = fill(case.report_card, epi)
    do_file_card(card, actor=epi, card_number="35032221000123")
    card.refresh_from_db()
    assert card.status == CardStatus.FILED
    assert card.filed_by == epi
    assert task_of(card).status == TaskStatus.DONE
    assert events_for(card).filter(kind=CARD_FILED).count() == 1
    do_file_card(card, actor=epi, card_number="35032221000123")  # the same again: nothing new
    assert events_for(card).filter(kind=CARD_FILED).count() == 1


def test_filing_needs_the_card_s_own_fields(case, epi):
    with pytest.raises(ValidationError) as refused:
        do_file_card(case.report_card, actor=epi, card_number="1")
    assert set(refused.value.message_dict) == {"occupation", "reporting_unit"}
    assert ReportCard.objects.get(pk=case.report_card.pk).card_number is None
    assert task_of(case.report_card).status == TaskStatus.OPEN


def test_card_numbers_are_unique_and_checked(case, epi, make_person, confirmed_facts):
    other = do_report_case(actor=epi, person=make_person(), **confirmed_facts)
    fill(case.report_card, epi)
    do_file_card(case.report_card, actor=epi, card_number="A-1")
    second = fill(other.report_card, epi)
    with pytest.raises(ValidationError) as refused:
        do_file_card(second, actor=epi, card_number="A-1")
    assert "card_number" in refused.value.message_dict
    with pytest.raises(ValidationError):
        do_file_card(second, actor=epi, card_number="=HYPERLINK(1)")
    with pytest.raises(Conflict):
        do_file_card(case.report_card, actor=epi, card_number="A-2")


def test_another_county_cannot_see_nor_file(case, huli_epi):
    assert not ReportCard.objects.restrict(huli_epi).exists()
    with pytest.raises(PermissionDenied):
        do_file_card(case.report_card, actor=huli_epi, card_number="X1")


def test_reclassification_leaves_a_revision_due(epi, resident, asymptomatic_facts):
    case = do_report_case(actor=epi, person=resident, **asymptomatic_facts)
    card = fill(case.report_card, epi)
    do_file_card(card, actor=epi, card_number="N1")
    do_reclassify_case(
        case,
        actor=epi,
        classification="confirmed",
        severity="mild",
        onset_date=datetime.date(2021, 9, 12),
        at=at(13),
        reason="symptoms_developed",
    )
    card.refresh_from_db()
    assert card.classification == "confirmed"
    assert card.status == CardStatus.TO_REVISE
    do_file_card(card, actor=epi, card_number="N1")  # the revision filed
    card.refresh_from_db()
    assert card.status == CardStatus.FILED


def test_a_voided_case_voids_its_card_and_closes_the_task(case, epi):
    do_void_case(case, actor=epi, reason="duplicate", reason_text="")
    card = ReportCard.objects.get(case=case)
    assert card.status == CardStatus.VOIDED
    assert task_of(card).status == TaskStatus.DONE
    with pytest.raises(Conflict):
        do_update_card(card, actor=epi, occupation=Occupation.TEACHER)
