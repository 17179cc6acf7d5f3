"""Placing under the protocol in force: regimes, test days, refusals that write nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pingji.core.events import events_for
from pingji.quarantine import schedule
from pingji.quarantine.actions.placement import do_place_person
from pingji.quarantine.models import HistoryEntry, Placement, ScheduledTest

from .conftest import at, contact_of, sep

pytestmark = pytest.mark.django_db
D = datetime.date


def test_8th_edition_close_contact_gets_14_plus_7_with_tests_1_4_7_14(placed, hotel):
    # Given a close contact exposed 2021-09-10 (8th edition in force), placed on 09-12
    p = placed
    # Then 14 days at the site counted from the exposure, then 7 days of home monitoring
    assert p.protocol.code == "cn-8th-edition"
    assert (p.exposure_on, p.planned_release_on, p.planned_end_on) == (
        D(2021, 9, 10),
        D(2021, 9, 24),
        D(2021, 10, 1),
    )
    assert (p.setting, p.site, p.jurisdiction_id, p.home_id) == (
        "centralised",
        hotel,
        "350322",
        "350322100001001",
    )
    assert p.room.number == "1"
    # And tests on days 1 (on arrival: day 1 had passed), 4, 7 and 14, day 14 double-sampled
    tests = list(p.tests.values_list("day", "due_on", "double_sampling"))
    assert tests == [
        (1, D(2021, 9, 12), False),
        (4, D(2021, 9, 14), False),
        (7, D(2021, 9, 17), False),
        (14, D(2021, 9, 24), True),
    ]
    assert p.next_test_on == D(2021, 9, 12)
    assert [e.kind for e in events_for(p)] == ["quarantine.placed"]
    assert HistoryEntry.objects.get(placement=p).kind == "placed"


def test_9th_edition_close_contact_gets_7_plus_3_with_home_day_3(resident, hotel, operator):
    p = do_place_person(
        actor=operator, person=resident, exposure_at=at(7, 10), site=hotel, placed_at=at(7, 10, 20)
    )
    assert p.protocol.code == "cn-9th-edition"
    assert (p.planned_release_on, p.planned_end_on) == (D(2022, 7, 17), D(2022, 7, 20))
    due = list(p.tests.values_list("day", "home_day", "setting", "due_on"))
    assert due == [
        (1, None, "centralised", D(2022, 7, 11)),
        (2, None, "centralised", D(2022, 7, 12)),
        (3, None, "centralised", D(2022, 7, 13)),
        (5, None, "centralised", D(2022, 7, 15)),
        (7, None, "centralised", D(2022, 7, 17)),
        (10, 3, "home", D(2022, 7, 20)),
    ]


def test_a_9th_edition_secondary_contact_starts_at_home(resident, operator):
    p = do_place_person(
        actor=operator,
        person=resident,
        category="secondary_contact",
        exposure_at=at(7, 10),
        placed_at=at(7, 11),
    )
    assert (p.setting, p.site, p.jurisdiction_id) == ("home", None, "350322100001001")
    assert p.planned_end_on == D(2022, 7, 17)
    assert list(p.tests.values_list("home_day", flat=True)) == [1, 4, 7]


def test_placing_from_a_contact_takes_tier_and_last_exposure(resident, hotel, operator):
    contact = contact_of(resident, last_exposure_at=sep(11, 18))
    p = do_place_person(
        actor=operator, person=resident, contact=contact, site=hotel, placed_at=sep(12, 20)
    )
    assert (p.contact, p.category, p.exposure_on) == (contact, "close_contact", D(2021, 9, 11))


def test_a_person_placed_twice_is_refused_naming_the_placement(placed, resident, hotel, operator):
    with pytest.raises(ValidationError) as exc:
        do_place_person(
            actor=operator, person=resident, exposure_at=sep(11), site=hotel, placed_at=sep(13)
        )
    message = exc.value.message_dict["person"][0]
    assert f"林某 is already under {placed}" in message and "仙游宾馆" in message
    assert Placement.objects.count() == 1 and ScheduledTest.objects.count() == 4


def test_a_full_room_and_a_full_site_are_refused(placed, hotel, operator, tree):
    from pingji.people.tests.factories import HouseholdFactory, PersonFactory

    others = [
        PersonFactory(household=HouseholdFactory(jurisdiction=tree["350322100001001"]))
        for _ in range(3)
    ]
    with pytest.raises(ValidationError) as exc:
        do_place_person(
            actor=operator,
            person=others[0],
            exposure_at=sep(10),
            site=hotel,
            room=placed.room,
            placed_at=sep(12, 21),
        )
    assert exc.value.message_dict["room"] == ["Room 1 is full (1 of 1 beds taken)."]
    for person in others[:2]:
        do_place_person(
            actor=operator, person=person, exposure_at=sep(10), site=hotel, placed_at=sep(12, 21)
        )
    with pytest.raises(ValidationError) as exc:
        do_place_person(
            actor=operator, person=others[2], exposure_at=sep(10), site=hotel, placed_at=sep(12, 21)
        )
    assert exc.value.message_dict["site"] == ["仙游宾馆 is full."]
    assert Placement.objects.count() == 3


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"exposure_at": None}, "exposure_at"),
        ({"category": "nonsense"}, "category"),
        ({"site": None}, "site"),
        ({"exposure_at": sep(14)}, "exposure_at"),  # after the placement
        ({"exposure_at": sep(1), "placed_at": sep(28)}, "exposure_at"),  # regime long over
    ],
)
def test_bad_placements_are_refused_and_nothing_saved(resident, hotel, operator, kwargs, field):
    args = {"exposure_at": sep(10), "site": hotel, "placed_at": sep(12), **kwargs}
    with pytest.raises(ValidationError) as exc:
        do_place_person(actor=operator, person=resident, **args)
    assert field in exc.value.message_dict
    assert not Placement.objects.exists() and not ScheduledTest.objects.exists()


def test_a_person_outside_the_area_cannot_be_placed(resident, hotel, huli_operator):
    with pytest.raises(PermissionDenied):
        do_place_person(
            actor=huli_operator, person=resident, exposure_at=sep(10), site=hotel, placed_at=sep(12)
        )
    assert not Placement.objects.exists()


def test_plan_collapses_missed_test_days_into_the_arrival_day():
    from pingji.protocols.rules import Regime

    regime = Regime("close_contact", True, 14, 0, 7, (1, 4, 7, 14), (), "double_sampling")
    plan = schedule.plan(regime, D(2021, 9, 10), D(2021, 9, 16))
    assert [(t.day, t.due_on) for t in plan.tests] == [
        (1, D(2021, 9, 16)),
        (7, D(2021, 9, 17)),
        (14, D(2021, 9, 24)),
    ]
