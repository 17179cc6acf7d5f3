"""``bulk.do_report_cases_bulk`` writes and refuses what ``do_report_case`` writes and refuses."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pingji.cases.actions.bulk import Report, do_report_cases_bulk
from pingji.cases.actions.reports import do_report_case
from pingji.cases.models import Case
from pingji.core.models import DomainEvent
from pingji.people.tests.factories import HouseholdFactory, PersonFactory

from .conftest import GRID, at

CASE_FIELDS = (
    "person_id",
    "jurisdiction_id",
    "episode",
    "classification",
    "severity",
    "onset_date",
    "sampled_at",
    "reported_at",
    "channel",
    "origin",
    "outcome",
    "reported_by_id",
    "notes",
)


def _resident(tree, name):
    return PersonFactory(name=name, household=HouseholdFactory(jurisdiction=tree[GRID]))


def _written(case: Case) -> tuple[dict, dict]:
    row = {f: getattr(case, f) for f in CASE_FIELDS if f != "person_id"}
    event = DomainEvent.objects.get(kind="cases.reported", object_id=str(case.pk))
    seen = {
        "summary": event.summary.replace(str(case), "CASE"),
        "actor": event.actor_id,
        "jurisdiction_code": event.jurisdiction_code,
        "content_type": event.content_type_id,
        "payload": event.payload,
    }
    return row, seen


def test_the_batch_writes_the_rows_and_events_of_one_report_each(
    epi, tree, confirmed_facts, asymptomatic_facts
):
    # given two pairs of residents, the same facts for each pair
    one_by_one = [_resident(tree, "林一"), _resident(tree, "林二")]
    batch = [_resident(tree, "林一"), _resident(tree, "林二")]
    facts = [confirmed_facts, {**asymptomatic_facts, "notes": " 隔离点发现 "}]
    # when one pair is reported case by case and the other in one batch
    single = [
        do_report_case(actor=epi, person=p, **f) for p, f in zip(one_by_one, facts, strict=True)
    ]
    bulk = do_report_cases_bulk(
        [Report(actor=epi, person=p, **f) for p, f in zip(batch, facts, strict=True)]
    )
    # then the cases and their events are the same, but for whom and which
    assert [_written(c) for c in bulk] == [_written(c) for c in single]
    assert [c.person_id for c in bulk] == [p.pk for p in batch]


def test_the_report_time_dates_the_event_and_the_clock_records_it(epi, resident, confirmed_facts):
    # a line list entered days later keeps each report on its own day (decision 0030)
    (case,) = do_report_cases_bulk([Report(actor=epi, person=resident, **confirmed_facts)])
    event = DomainEvent.objects.get(kind="cases.reported", object_id=str(case.pk))
    assert event.time == confirmed_facts["reported_at"]
    assert event.recorded_at > event.time


def test_episodes_continue_after_a_recovered_case(epi, resident, confirmed_facts):
    first = do_report_case(actor=epi, person=resident, **confirmed_facts)
    Case.objects.filter(pk=first.pk).update(outcome="recovered", outcome_at=at(20))
    later = {**confirmed_facts, "sampled_at": at(25, 8), "reported_at": at(26)}
    (case,) = do_report_cases_bulk([Report(actor=epi, person=resident, **later)])
    assert case.episode == 2


def test_bad_reports_refuse_the_whole_batch_naming_each(
    epi, tree, resident, confirmed_facts, asymptomatic_facts
):
    # given a good report, an open case reported again, the same person twice, and bad facts
    do_report_case(actor=epi, person=resident, **confirmed_facts)
    good, twice = _resident(tree, "陈一"), _resident(tree, "陈二")
    reports = [
        Report(actor=epi, person=good, **confirmed_facts),
        Report(actor=epi, person=resident, **asymptomatic_facts),
        Report(actor=epi, person=twice, **asymptomatic_facts),
        Report(actor=epi, person=twice, **asymptomatic_facts),
        Report(actor=epi, person=_resident(tree, "陈三"), **{**confirmed_facts, "severity": ""}),
    ]
    # when the batch is reported, then it is refused report by report and nothing is written
    with pytest.raises(ValidationError) as refused:
        do_report_cases_bulk(reports)
    text = " ".join(refused.value.messages)
    assert "row 2, person" in text and "row 4, person" in text
    assert "row 5, severity" in text and "row 1," not in text
    assert Case.objects.count() == 1
    assert DomainEvent.objects.filter(kind="cases.reported").count() == 1


def test_a_person_outside_the_reporters_county_is_refused(
    epi, huli_epi, resident, huli_resident, confirmed_facts
):
    with pytest.raises(PermissionDenied):
        do_report_cases_bulk(
            [
                Report(actor=epi, person=resident, **confirmed_facts),
                Report(actor=epi, person=huli_resident, **confirmed_facts),
            ]
        )
    assert not Case.objects.exists()
    # and the same person reported by their own county's epidemiologist is accepted
    (case,) = do_report_cases_bulk(
        [Report(actor=huli_epi, person=huli_resident, **confirmed_facts)]
    )
    assert case.jurisdiction_id == huli_resident.jurisdiction_id


def test_an_empty_batch_writes_nothing(db):
    assert do_report_cases_bulk([]) == []
