"""Results, positives, release with eligibility, handover, alerts, transfers, protocol changes."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pingji.cases.models import Case
from pingji.quarantine.actions import monitoring, release
from pingji.quarantine.actions.followup import do_sweep
from pingji.quarantine.actions.placement import do_place_person
from pingji.quarantine.actions.protocol_change import do_apply_protocol, outdated, proposed_change
from pingji.quarantine.actions.sites import do_assign_staff, do_create_site, free_room
from pingji.quarantine.actions.transfer import do_transfer_placement
from pingji.quarantine.choices import PlacementStatus
from pingji.quarantine.evidence import unreleased_contacts
from pingji.quarantine.models import (
    HistoryEntry,
    MonitoringCheck,
    Placement,
    Release,
    ScheduledTest,
)
from pingji.quarantine.tests.factories import PlacementFactory
from pingji.tasks.models import Task
from pingji.tracing.models import Investigation

from .conftest import contact_of, negative_all, sep

pytestmark = pytest.mark.django_db
D = datetime.date


def test_a_result_for_a_person_not_under_placement_is_refused(resident, operator):
    with pytest.raises(ValidationError) as exc:
        monitoring.do_record_result(
            actor=operator, person=resident, result="negative", sampled_at=sep(14)
        )
    assert exc.value.message_dict["person"] == ["林某 is not under placement."]
    assert not ScheduledTest.objects.exists()


def test_a_test_dated_before_the_placement_is_refused(placed, operator):
    with pytest.raises(ValidationError) as exc:
        monitoring.do_record_result(
            actor=operator, placement=placed, result="negative", sampled_at=sep(11, 8), at=sep(14)
        )
    assert "before the placement" in exc.value.message_dict["sampled_at"][0]
    assert not placed.tests.exclude(status="pending").exists()


def test_a_second_result_for_the_same_test_is_refused(placed, operator):
    test = placed.tests.first()
    monitoring.do_record_result(
        actor=operator, test=test, result="negative", sampled_at=sep(12, 21), at=sep(13)
    )
    test.refresh_from_db()
    with pytest.raises(ValidationError):
        monitoring.do_record_result(
            actor=operator, test=test, result="positive", sampled_at=sep(12, 21), at=sep(13)
        )
    assert not Case.objects.exists()


def test_results_fill_the_scheduled_test_of_the_day_and_move_the_next_test(placed, operator):
    monitoring.do_record_result(
        actor=operator, placement=placed, result="negative", sampled_at=sep(14, 8), at=sep(14, 18)
    )
    placed.refresh_from_db()
    # the day-1 test (due 09-12) was still open, so the sample of 09-14 fills the day-4 test
    assert placed.tests.get(day=4).status == "negative"
    assert placed.next_test_on == D(2021, 9, 12)


def test_a_positive_result_reports_a_case_and_opens_its_investigation(placed, manager, hotel):
    # Given a site manager of the hotel (whose role cannot report cases by itself)
    do_assign_staff(hotel, actor=placed.placed_by, user=manager)
    # When the day-4 result is positive
    test = placed.tests.get(day=4)
    monitoring.do_record_result(
        actor=manager, test=test, result="positive", sampled_at=sep(14, 8), at=sep(14, 20)
    )
    # Then a case is reported, found in centralised quarantine, and its investigation opened
    case = Case.objects.get(person=placed.person)
    assert (case.channel, case.classification, case.reported_by) == (
        "centralised_quarantine",
        "asymptomatic",
        manager,
    )
    assert Investigation.objects.filter(case=case).exists()
    placed.refresh_from_db()
    assert (placed.status, placed.case, placed.next_test_on) == ("positive", case, None)
    assert set(placed.tests.values_list("status", flat=True)) == {"positive", "cancelled"}
    assert HistoryEntry.objects.filter(placement=placed, kind="positive").exists()
    # and the manager did not gain the right to report cases elsewhere
    assert not manager.has_perm("cases.add_case")


def test_release_before_eligibility_is_refused_with_the_reasons(placed, operator):
    with pytest.raises(ValidationError) as exc:
        release.do_release_placement(placed, actor=operator, at=sep(20))
    reasons = exc.value.message_dict["placement"]
    assert reasons[0].startswith("10 of 14 days served")
    assert "No negative result yet for the tests of day 1, 4, 7, 14." in reasons
    assert not Release.objects.exists()
    placed.refresh_from_db()
    assert placed.setting == "centralised"


def test_an_override_needs_a_justification_and_is_kept(placed, operator):
    with pytest.raises(ValidationError) as exc:
        release.do_release_placement(
            placed, actor=operator, at=sep(20), override=True, justification="ok"
        )
    assert "justification" in exc.value.message_dict
    done = release.do_release_placement(
        placed,
        actor=operator,
        at=sep(20),
        override=True,
        justification="Transferred to hospital care for a fracture; monitored there.",
    )
    assert (done.eligible, done.overridden, done.approved_by) == (False, True, operator)
    assert "fracture" in done.justification and not all(r["ok"] for r in done.reasons)


def test_a_site_manager_cannot_approve_a_release(placed, manager, hotel, operator):
    do_assign_staff(hotel, actor=operator, user=manager)
    negative_all(placed, operator)
    with pytest.raises(PermissionDenied):
        release.do_release_placement(placed, actor=manager, at=sep(24, 20))
    assert not Release.objects.exists()


def test_an_eligible_release_hands_the_person_over_to_the_home_grid(placed, operator):
    negative_all(placed, operator)
    done = release.do_release_placement(placed, actor=operator, at=sep(24, 20))
    placed.refresh_from_db()
    assert done.eligible and not done.overridden
    assert (placed.setting, placed.site, placed.room, placed.jurisdiction_id) == (
        "home",
        None,
        None,
        "350322100001001",
    )
    task = Task.objects.for_source(done).get()
    assert (task.kind, task.jurisdiction_id) == ("home-monitoring", "350322100001001")
    # the room is free again
    assert free_room(placed_site(done)).number == "1"
    kinds = list(HistoryEntry.objects.filter(placement=placed).values_list("kind", flat=True))
    assert kinds == ["placed", "released"]


def placed_site(done):
    return done.site


def test_misses_at_home_raise_alerts_and_the_end_closes_the_episode(placed, operator, grid_worker):
    negative_all(placed, operator)
    done = release.do_release_placement(placed, actor=operator, at=sep(24, 20))
    # a check-in on 09-25, none on 09-26: the sweep of 09-27 alerts the community
    monitoring.do_record_check(
        placed, actor=grid_worker, temperature="36.4", on=D(2021, 9, 25), at=sep(25, 10)
    )
    counts = do_sweep(D(2021, 9, 27))
    assert counts["missed_checks"] == 1
    alert = Task.objects.get(kind="quarantine.missed-check")
    assert alert.jurisdiction_id == "350322100001"  # the community of the home grid
    assert do_sweep(D(2021, 9, 27))["missed_checks"] == 0  # idempotent
    # the grid worker checks in: the alert closes
    monitoring.do_record_check(
        placed, actor=grid_worker, temperature="36.6", on=D(2021, 9, 27), at=sep(27, 10)
    )
    alert.refresh_from_db()
    assert alert.status == "done"
    # after 10-01 the sweep closes the episode and the grid's task
    counts = do_sweep(D(2021, 10, 2))
    placed.refresh_from_db()
    assert counts["completed"] == 1 and placed.status == "completed"
    assert Task.objects.for_source(done).get().status == "done"


def test_fever_at_check_in_raises_an_alert_at_once(placed, operator):
    check = monitoring.do_record_check(
        placed,
        actor=operator,
        temperature="37.8",
        symptoms=["cough"],
        on=D(2021, 9, 13),
        at=sep(13, 9),
    )
    assert Task.objects.for_source(check).get().kind == "quarantine.symptoms"


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"temperature": "hot"}, "temperature"),
        ({"temperature": "52"}, "temperature"),
        ({"symptoms": ["<script>"]}, "symptoms"),
        ({"on": D(2021, 9, 11)}, "on"),  # before the placement
    ],
)
def test_bad_checks_are_refused(placed, operator, kwargs, field):
    args = {"temperature": "36.5", "on": D(2021, 9, 13), "at": sep(13), **kwargs}
    with pytest.raises(ValidationError) as exc:
        monitoring.do_record_check(placed, actor=operator, **args)
    assert field in exc.value.message_dict
    assert not MonitoringCheck.objects.exists()


def test_a_check_twice_on_a_day_is_refused(placed, operator):
    monitoring.do_record_check(
        placed, actor=operator, temperature="36.5", on=D(2021, 9, 13), at=sep(13)
    )
    with pytest.raises(ValidationError) as exc:
        monitoring.do_record_check(
            placed, actor=operator, temperature="36.5", on=D(2021, 9, 13), at=sep(13)
        )
    assert exc.value.message_dict["on"] == ["The check of 2021-09-13 is already recorded."]


def test_a_transfer_keeps_one_history(placed, operator, tree):
    other = do_create_site(
        actor=operator, name="鲤城酒店", kind="hotel", jurisdiction=tree["350322100"], rooms=2
    )
    do_transfer_placement(
        placed, actor=operator, site=other, reason="hotel closed for repairs", at=sep(15)
    )
    placed.refresh_from_db()
    assert (placed.site, placed.room.number, placed.jurisdiction_id) == (other, "1", "350322100")
    steps = list(placed.history.values_list("kind", "reason"))
    assert steps == [("placed", ""), ("transferred", "hotel closed for repairs")]
    with pytest.raises(ValidationError):
        do_transfer_placement(placed, actor=operator, site=other, reason="")


def test_protocol_change_is_listed_then_applied_with_a_reason(placed, operator):
    from pingji.protocols.models import Protocol

    ninth = Protocol.objects.get(code="cn-9th-edition")
    change = proposed_change(placed, ninth)
    assert change["planned_end_on"] == (D(2021, 10, 1), D(2021, 9, 20))
    with pytest.raises(ValidationError):
        do_apply_protocol([placed], actor=operator, protocol=ninth, reason=" ")
    placed.refresh_from_db()
    assert placed.planned_end_on == D(2021, 10, 1)  # nothing changed silently
    [changed] = do_apply_protocol(
        [placed], actor=operator, protocol=ninth, reason="9th edition in force"
    )
    assert (changed.planned_release_on, changed.planned_end_on, changed.protocol) == (
        D(2021, 9, 17),
        D(2021, 9, 20),
        ninth,
    )
    entry = placed.history.get(kind="regime_changed")
    assert entry.reason == "9th edition in force"
    assert entry.payload["before"]["planned_end_on"] == "2021-10-01"


def test_outdated_lists_placements_under_an_older_protocol(placed):
    rows = outdated(Placement.objects.all())  # today the Class B end state is in force
    assert [(p, current.code) for p, current, _ in rows] == [(placed, "cn-class-b")]


def test_unreleased_contacts_are_those_not_yet_released_negative(
    resident, neighbour, hotel, operator
):
    mine = contact_of(resident, last_exposure_at=sep(10, 15))
    never = contact_of(neighbour, last_exposure_at=sep(10, 15))
    p = do_place_person(
        actor=operator, person=resident, contact=mine, site=hotel, placed_at=sep(12, 20)
    )
    assert unreleased_contacts([mine.pk, never.pk], D(2021, 9, 20)) == {mine.pk, never.pk}
    negative_all(p, operator)
    release.do_release_placement(p, actor=operator, at=sep(24, 20))
    assert unreleased_contacts([mine.pk, never.pk], D(2021, 9, 23)) == {mine.pk, never.pk}
    assert unreleased_contacts([mine.pk, never.pk], D(2021, 9, 24)) == {never.pk}
    assert unreleased_contacts([], D(2021, 9, 24)) == set()


def test_a_later_placement_does_not_undo_the_release_that_covered_an_exposure(
    resident, hotel, operator
):
    # exposed on 14 Sep, placed for another case's contact from that exposure, released negative;
    # exposed again on 29 Sep and placed again: the first exposure stays covered
    early = contact_of(resident, last_exposure_at=sep(14, 15))
    first = do_place_person(
        actor=operator, person=resident, exposure_at=sep(14, 15), site=hotel, placed_at=sep(15, 9)
    )
    negative_all(first, operator)
    release.do_release_placement(first, actor=operator, at=sep(28, 20))
    Placement.objects.filter(pk=first.pk).update(status=PlacementStatus.COMPLETED)  # monitored
    PlacementFactory(person=resident, exposure_on=D(2021, 9, 29), placed_at=sep(30, 9))
    assert unreleased_contacts([early.pk], D(2021, 9, 30)) == set()
    later = contact_of(resident, last_exposure_at=sep(29, 18))
    assert unreleased_contacts([early.pk, later.pk], D(2021, 9, 30)) == {later.pk}


def test_an_early_release_without_negatives_stays_unreleased(resident, hotel, operator):
    mine = contact_of(resident, last_exposure_at=sep(10, 15))
    p = do_place_person(
        actor=operator, person=resident, contact=mine, site=hotel, placed_at=sep(12, 20)
    )
    release.do_release_placement(
        p, actor=operator, at=sep(20), override=True, justification="moved to hospital care"
    )
    assert unreleased_contacts([mine.pk], D(2021, 9, 30)) == {mine.pk}


def test_a_release_into_another_county_arrives_there_as_a_dispatch(
    tree, hotel, make_user, operator, huli_operator
):
    from pingji.people.tests.factories import HouseholdFactory, PersonFactory
    from pingji.tracing.models import Dispatch
    from pingji.users.choices import Role

    # Given a Xiamen resident placed at the Xianyou hotel by the province's operator
    province = make_user(Role.OPERATOR, "35")
    visitor = PersonFactory(
        name="陈某", household=HouseholdFactory(jurisdiction=tree["350206001001001"])
    )
    p = do_place_person(
        actor=province, person=visitor, exposure_at=sep(10, 15), site=hotel, placed_at=sep(12, 20)
    )
    negative_all(p, operator)
    # When Xianyou's operator releases them
    done = release.do_release_placement(p, actor=operator, at=sep(24, 20))
    # Then Huli receives a dispatch sent by the site's county, and takes over the monitoring
    dispatch = Dispatch.objects.get(pk=done.dispatch_id)
    assert (dispatch.person, dispatch.to_region) == (visitor, "350206")
    p.refresh_from_db()
    assert p.jurisdiction_id == "350206001001001"
    assert Placement.objects.restrict(huli_operator).filter(pk=p.pk).exists()
    assert not Placement.objects.restrict(operator).filter(pk=p.pk).exists()
    assert Release.objects.restrict(operator).filter(pk=done.pk).exists()
    assert list(p.history.values_list("kind", flat=True)) == ["placed", "released", "dispatched"]


def test_capacity_counts_rooms_needed_and_flags_full_sites(placed, hotel, neighbour, operator):
    from pingji.quarantine import capacity
    from pingji.quarantine.models import Site
    from pingji.tracing.models import Contact

    contact_of(neighbour, last_exposure_at=sep(15, 10))  # in the pipeline, not yet placed
    on = D(2021, 9, 16)
    [county] = capacity.rooms_needed(
        Placement.objects.all(), Site.objects.all(), Contact.objects.all(), on
    )
    # on 09-23 both still need a room; on 09-30 林某 (released 09-24) and 王某 (09-29) are gone
    assert (county.code, county.occupied, county.pipeline, county.beds) == ("350322", 1, 1, 3)
    assert county.needed == {7: 2, 14: 0}
    [county] = capacity.rooms_needed(
        Placement.objects.all(), Site.objects.all(), Contact.objects.all(), D(2021, 9, 14)
    )
    assert county.needed == {7: 2, 14: 1}  # on 09-28 王某 is still at a site
    [(site, used, beds, near)] = capacity.site_load(Site.objects.all())
    assert (site, used, beds, near) == (hotel, 1, 3, False)
