"""Reporting, duplicates, reclassification counting, outcomes and corrections."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pingji.cases.actions.course import do_reclassify_case, do_record_outcome, do_update_case
from pingji.cases.actions.reports import do_report_case, do_report_case_for_identity
from pingji.cases.models import Case
from pingji.core.events import events_for
from pingji.core.models import DomainEvent

from .conftest import at


def report(epi, person, **facts):
    return do_report_case(actor=epi, person=person, **facts)


def test_reporting_a_confirmed_case_counts_one_infection_and_one_confirmed(
    epi, resident, confirmed_facts
):
    # given a resident of 仙游县
    # when an epidemiologist reports a confirmed case
    case = report(epi, resident, **confirmed_facts)
    # then the case lives in the resident's grid and its event carries the bulletin counts
    assert case.jurisdiction_id == resident.jurisdiction_id
    assert case.episode == 1 and case.reported_by == epi
    assert not case.found_inside_control
    event = events_for(case).get()
    assert event.kind == "cases.reported"
    assert event.payload["new_infection"] == 1
    assert event.payload["new_confirmed"] == 1
    assert event.payload["new_asymptomatic"] == 0
    assert event.payload["inside_control"] is False


def test_an_asymptomatic_infection_found_in_quarantine_is_inside_control(
    epi, resident, asymptomatic_facts
):
    case = report(epi, resident, **asymptomatic_facts)
    payload = events_for(case).get().payload
    assert case.found_inside_control
    assert (payload["new_infection"], payload["new_confirmed"], payload["new_asymptomatic"]) == (
        1,
        0,
        1,
    )


def test_a_suspected_case_counts_nothing_yet(epi, resident):
    case = report(
        epi, resident, classification="suspected", reported_at=at(12), channel="fever_clinic"
    )
    payload = events_for(case).get().payload
    assert payload["new_infection"] == payload["new_confirmed"] == 0


def test_a_second_report_of_an_open_case_is_flagged_not_doubled(epi, resident, confirmed_facts):
    # given a reported case
    first = report(epi, resident, **confirmed_facts)
    # when the same person is reported again
    with pytest.raises(ValidationError) as caught:
        report(epi, resident, **{**confirmed_facts, "reported_at": at(13)})
    # then the error names the existing case and nothing is saved
    assert caught.value.error_dict["person"][0].code == "duplicate"
    assert f"Case {first.pk}" in caught.value.message_dict["person"][0]
    assert Case.objects.count() == 1
    assert DomainEvent.objects.filter(kind="cases.reported").count() == 1


def test_a_reinfection_after_recovery_is_the_next_episode(epi, resident, confirmed_facts):
    first = report(epi, resident, **confirmed_facts)
    do_record_outcome(first, actor=epi, outcome="recovered", at=at(25))
    second = report(epi, resident, **{**confirmed_facts, "reported_at": at(28)})
    assert (first.episode, second.episode) == (1, 2)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"onset_date": datetime.date(2021, 9, 13)}, "onset_date"),
        ({"sampled_at": at(12, 10)}, "sampled_at"),
        ({"severity": ""}, "severity"),
        ({"onset_date": None}, "onset_date"),
        ({"sampled_at": None}, "sampled_at"),
        ({"channel": "airport"}, "channel"),
        ({"classification": "ruled_out"}, "classification"),
        ({"origin": "mars"}, "origin"),
    ],
)
def test_bad_facts_name_the_field_and_save_nothing(epi, resident, confirmed_facts, change, field):
    with pytest.raises(ValidationError) as caught:
        report(epi, resident, **{**confirmed_facts, **change})
    assert field in caught.value.message_dict
    assert not Case.objects.exists() and not DomainEvent.objects.exists()


def test_a_report_in_the_future_is_refused(epi, resident, confirmed_facts):
    future = timezone.now() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        report(epi, resident, **{**confirmed_facts, "reported_at": future})
    assert "The report time is in the future." in caught.value.message_dict["reported_at"]


def test_severity_and_onset_are_refused_for_an_asymptomatic_infection(
    epi, resident, asymptomatic_facts
):
    with pytest.raises(ValidationError) as caught:
        report(
            epi,
            resident,
            **asymptomatic_facts,
            severity="mild",
            onset_date=datetime.date(2021, 9, 10),
        )
    assert set(caught.value.message_dict) == {"severity", "onset_date"}


def test_naive_times_are_read_as_beijing_time(epi, resident, confirmed_facts):
    facts = {**confirmed_facts, "reported_at": datetime.datetime(2021, 9, 12, 9, 0)}
    case = report(epi, resident, **facts)
    assert case.reported_at == at(12)
    assert case.reported_at.utcoffset() is None or case.reported_at.hour in (1, 9)


def test_a_person_outside_the_area_cannot_be_reported(huli_epi, resident, confirmed_facts):
    with pytest.raises(PermissionDenied):
        report(huli_epi, resident, **confirmed_facts)
    assert not Case.objects.exists()


def test_reclassifying_asymptomatic_to_confirmed_counts_a_confirmed_case_not_an_infection(
    epi, resident, asymptomatic_facts
):
    # given an asymptomatic infection
    case = report(epi, resident, **asymptomatic_facts)
    # when it develops symptoms and is confirmed
    do_reclassify_case(
        case,
        actor=epi,
        classification="confirmed",
        reason="symptoms_developed",
        severity="moderate",
        onset_date=datetime.date(2021, 9, 13),
        at=at(14),
    )
    # then it is one new confirmed case but no new infection, as bulletins count it
    case.refresh_from_db()
    assert (case.classification, case.severity) == ("confirmed", "moderate")
    event = events_for(case).get(kind="cases.reclassified")
    assert event.payload["new_confirmed"] == 1
    assert event.payload["new_infection"] == 0
    assert event.payload["new_asymptomatic"] == 0
    assert event.payload["reclassified_from"] == "asymptomatic"
    # and over the whole story the person counted once as an infection
    totals = [e.payload.get("new_infection", 0) for e in events_for(case)]
    assert sum(totals) == 1


def test_confirming_needs_an_onset_date_and_a_severity(epi, resident, asymptomatic_facts):
    case = report(epi, resident, **asymptomatic_facts)
    with pytest.raises(ValidationError) as caught:
        do_reclassify_case(
            case, actor=epi, classification="confirmed", reason="symptoms_developed", at=at(14)
        )
    assert {"severity", "onset_date"} <= set(caught.value.message_dict)
    case.refresh_from_db()
    assert case.classification == "asymptomatic"
    assert not events_for(case).filter(kind="cases.reclassified").exists()


def test_a_confirmed_case_goes_back_to_asymptomatic_only_as_a_revised_diagnosis(
    epi, resident, confirmed_facts
):
    case = report(epi, resident, **confirmed_facts)
    with pytest.raises(ValidationError) as caught:
        do_reclassify_case(case, actor=epi, classification="asymptomatic", at=at(14), reason="")
    assert caught.value.error_dict["reason"][0].code == "required"
    with pytest.raises(ValidationError) as caught:
        do_reclassify_case(
            case,
            actor=epi,
            classification="asymptomatic",
            at=at(14),
            reason="symptoms_developed",
        )
    assert caught.value.error_dict["reason"][0].code == "invalid_choice"
    case.refresh_from_db()
    assert case.classification == "confirmed"
    assert not events_for(case).filter(kind="cases.reclassified").exists()


def test_a_severity_change_counts_nothing(epi, resident, confirmed_facts):
    case = report(epi, resident, **confirmed_facts)
    do_reclassify_case(case, actor=epi, classification="confirmed", severity="severe", at=at(14))
    event = events_for(case).get(kind="cases.severity_changed")
    assert event.payload["new_confirmed"] == event.payload["new_infection"] == 0


def test_a_suspected_case_confirmed_counts_as_a_new_infection(epi, resident):
    case = report(
        epi,
        resident,
        classification="suspected",
        onset_date=datetime.date(2021, 9, 11),
        reported_at=at(12),
        channel="fever_clinic",
    )
    do_reclassify_case(
        case,
        actor=epi,
        classification="confirmed",
        reason="symptoms_developed",
        severity="mild",
        sampled_at=at(12, 11),
        at=at(13),
    )
    payload = events_for(case).get(kind="cases.reclassified").payload
    assert payload["new_infection"] == payload["new_confirmed"] == 1


def test_a_reclassification_before_the_report_is_refused(epi, resident, asymptomatic_facts):
    case = report(epi, resident, **asymptomatic_facts)
    with pytest.raises(ValidationError) as caught:
        do_reclassify_case(
            case,
            actor=epi,
            classification="confirmed",
            reason="symptoms_developed",
            severity="mild",
            onset_date=datetime.date(2021, 9, 10),
            at=at(10),
        )
    assert "at" in caught.value.message_dict


def test_an_outcome_closes_the_case_and_stops_further_steps(epi, resident, confirmed_facts):
    case = report(epi, resident, **confirmed_facts)
    do_record_outcome(case, actor=epi, outcome="died", at=at(20))
    assert events_for(case).get(kind="cases.outcome_recorded").payload["died"] == 1
    with pytest.raises(ValidationError):
        do_record_outcome(case, actor=epi, outcome="recovered", at=at(21))
    with pytest.raises(ValidationError):
        report(epi, resident, **{**confirmed_facts, "reported_at": at(22)})


def test_outside_users_cannot_reclassify(huli_epi, epi, resident, asymptomatic_facts):
    case = report(epi, resident, **asymptomatic_facts)
    with pytest.raises(PermissionDenied):
        do_reclassify_case(
            case, actor=huli_epi, classification="confirmed", reason="symptoms_developed", at=at(14)
        )
    case.refresh_from_db()
    assert case.classification == "asymptomatic"


def test_a_correction_is_validated_with_the_other_facts(epi, resident, confirmed_facts):
    case = report(epi, resident, **confirmed_facts)
    with pytest.raises(ValidationError) as caught:
        do_update_case(case, {"onset_date": datetime.date(2021, 9, 20)}, actor=epi)
    assert "onset_date" in caught.value.message_dict
    case.refresh_from_db()
    assert case.onset_date == datetime.date(2021, 9, 10)
    do_update_case(case, {"channel": "home_quarantine", "notes": " 同住 "}, actor=epi)
    case.refresh_from_db()
    assert case.found_inside_control and case.notes == "同住"
    assert events_for(case).get(kind="cases.corrected").payload["fields"] == ["channel", "notes"]


def test_reporting_by_identity_number_registers_an_unknown_person(epi, tree, confirmed_facts):
    from pingji.people.tests.factories import id_number_for

    number = id_number_for(9000)
    case = do_report_case_for_identity(
        actor=epi,
        id_number=number,
        name="黄某",
        jurisdiction=tree["350322100001002"],
        **confirmed_facts,
    )
    assert case.person.name == "黄某"
    assert case.jurisdiction_id == "350322100001002"


def test_a_failed_report_by_identity_number_registers_nobody(epi, tree, confirmed_facts):
    from pingji.people.models import Person
    from pingji.people.tests.factories import id_number_for

    with pytest.raises(ValidationError):
        do_report_case_for_identity(
            actor=epi,
            id_number=id_number_for(9001),
            name="黄某",
            jurisdiction=tree["350322100001002"],
            **{**confirmed_facts, "severity": ""},
        )
    assert not Person.objects.exists()
