"""Venue layers from the check-in store, and checkpoints in force, as of the state day."""

import datetime
import hashlib
from unittest import mock

import numpy as np
import pyarrow as pa
import pytest

from pingji.areas.contracts import CHECKPOINT_CHANGED
from pingji.areas.tests.factories import CheckpointDayFactory, CheckpointFactory
from pingji.core import clock
from pingji.core.events import record_event
from pingji.epi import abm
from pingji.geo.tests.factories import PlaceFactory
from pingji.people.models import Person
from pingji.reopening.tests.factories import EstablishmentFactory
from pingji.scenarios.build import build
from pingji.scenarios.in_force import checkpoints_in_force
from pingji.scenarios.population import build_population
from pingji.scenarios.tests.factories import ScenarioFactory
from pingji.tracing import checkin_store

from .conftest import BEFORE, COUNTY, DAY, GRIDS, at

pytestmark = pytest.mark.django_db
AFTER = DAY + datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def analytic_dir(settings, tmp_path):
    settings.ANALYTIC_DIR = tmp_path / "analytic"


def h(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def stamp(person, n: int, phone: bool = False) -> None:
    """Give ``person`` a look-up hash (an identity number's, or only a phone's)."""
    if phone:
        Person.objects.filter(pk=person.pk).update(phone_hash=h(f"phone{n}"))
    else:
        Person.objects.filter(pk=person.pk).update(id_number_hash=h(f"id{n}"))


def store(rows, recorded: datetime.datetime) -> None:
    """Import ``rows`` (id hash, phone hash, venue, check-in) as the lake stamps it at
    ``recorded`` on the platform's clock (the manifest keeps the server's time)."""
    real = recorded - clock.offset()
    table = pa.table(
        {
            "id_hash": pa.array([r[0] for r in rows], pa.string()),
            "phone_hash": pa.array([r[1] for r in rows], pa.string()),
            "venue": pa.array([r[2] for r in rows], pa.string()),
            "check_in": pa.array([r[3] for r in rows], pa.timestamp("us")),
            "check_out": pa.array([r[3] + datetime.timedelta(hours=1) for r in rows]),
        }
    )
    with mock.patch("pingji.core.clock.real_now", return_value=real):
        checkin_store.store(table)


def noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12))


def group_of(pop: abm.Population, layer: str, position: int) -> int:
    """The group of the person at input ``position`` (agents are in household order)."""
    agent = int(np.flatnonzero(pop.order == position)[0]) if pop.order is not None else position
    return int(pop.groups[layer][agent])


def test_venue_groups_come_from_the_check_ins_recorded_by_the_day(town):
    people = town["people"]
    for n in (0, 1, 2, 3, 4, 5):
        stamp(people[n], n, phone=n == 1)
    shop = PlaceFactory(jurisdiction=town["tree"][GRIDS[0]], kind="venue", name="超市")
    EstablishmentFactory(jurisdiction=town["tree"][GRIDS[0]], kind="shop", place=shop)
    before = DAY - datetime.timedelta(days=3)
    store(
        [
            (h("id0"), None, "V1", noon(before)),
            (h("id0"), None, "V1", noon(DAY)),
            (h("id0"), None, "V2", noon(DAY)),  # once: V1, twice, is person 0's venue
            (None, h("phone1"), "V1", noon(before)),  # joined by the phone's hash
            (h("id2"), None, "V1", noon(AFTER)),  # checked in after the state day
            (h("nobody"), None, "V1", noon(DAY)),  # matches no person: ignored
            (h("id4"), None, "V1", noon(DAY - datetime.timedelta(days=14))),  # too early
            (h("id5"), None, str(shop.pk), noon(DAY)),
        ],
        recorded=at(DAY, 20),
    )
    store([(h("id3"), None, "V1", noon(DAY))], recorded=at(AFTER, 1))  # recorded after the day
    built = build_population(COUNTY, DAY, {})
    pop, venue = built.population, "venue:venue"
    v1 = group_of(pop, venue, 0)
    assert group_of(pop, venue, 1) == v1
    # 2, 3 and 4 keep their township's stand-in group, which 0 and 1 have left
    township = group_of(pop, venue, 10)
    assert {group_of(pop, venue, i) for i in (2, 3, 4)} == {township} != {v1}
    assert group_of(pop, "venue:shop", 5) != group_of(pop, "venue:shop", 10)
    assert group_of(pop, venue, 5) == township  # the shop is not an "other venue"
    # the first import's files of the two days in the window; the later import's is not read
    assert built.checkins["persons"] == 3 and built.checkins["files"] == 2
    assert built.checkins["by_kind"] == {"shop": 1, "venue": 2}


def test_without_check_ins_every_venue_group_is_the_township_stand_in(town):
    pop = build_population(COUNTY, DAY, {}).population
    assert np.array_equal(pop.groups["venue:venue"], pop.groups["gathering"])


def test_checkpoints_in_force_become_one_checkpoint_on_importation(town):
    county = town["tree"][COUNTY]
    active = CheckpointFactory(jurisdiction=county, since=BEFORE, created_at=BEFORE)
    relaxed = CheckpointFactory(
        jurisdiction=county, since=BEFORE, created_at=BEFORE, status="relaxed"
    )
    CheckpointDayFactory(checkpoint=active, day=DAY, persons=300, turned_back=3)
    CheckpointDayFactory(checkpoint=relaxed, day=DAY, persons=100, turned_back=0)
    CheckpointFactory(jurisdiction=county, since=at(AFTER), created_at=at(AFTER))  # opened later
    lifted = CheckpointFactory(jurisdiction=county, since=BEFORE, created_at=BEFORE)
    _lift(lifted, at(DAY - datetime.timedelta(days=2)), recorded=at(DAY, 10))
    built = build(ScenarioFactory(jurisdiction=county))
    found = [x for x in built.scenario.interventions if isinstance(x, abm.Checkpoint)]
    # weighted by the people each checked: (0.6 × 300 + 0.2 × 100) / 400
    assert [(x.efficacy, x.start, x.end) for x in found] == [(0.5, 0, 14)]
    assert [c["id"] for c in built.inputs["checkpoints"]] == [active.pk, relaxed.pk]
    assert built.inputs["checkpoints"][0]["checked"] == 300
    assert built.inputs["choices"]["checkpoint_efficacy"] == {"active": 0.6, "relaxed": 0.2}
    built.scenario.check()


def test_a_lifting_recorded_after_the_day_leaves_the_checkpoint_in_force(town):
    county = town["tree"][COUNTY]
    cp = CheckpointFactory(jurisdiction=county, since=BEFORE, created_at=BEFORE)
    _lift(cp, at(DAY - datetime.timedelta(days=1)), recorded=at(AFTER, 9))  # entered late
    (found,) = checkpoints_in_force(COUNTY, DAY)
    assert (found.checkpoint_id, found.status) == (cp.pk, "active")
    assert checkpoints_in_force(COUNTY, AFTER) == ()
    built = build(ScenarioFactory(jurisdiction=county))
    found_iv = [x for x in built.scenario.interventions if isinstance(x, abm.Checkpoint)]
    assert [(x.efficacy, x.end) for x in found_iv] == [(0.6, 14)]  # no days: equal weights


def _lift(checkpoint, when: datetime.datetime, *, recorded: datetime.datetime) -> None:
    """The lifting step's event (as ``do_take_lifting_step`` records it), entered at
    ``recorded``; the row says lifted, as it does now."""
    with clock.pinned(recorded):
        record_event(
            CHECKPOINT_CHANGED,
            "lifted",
            jurisdiction_code=checkpoint.jurisdiction_id,
            subject=checkpoint,
            payload={"step": 1, "before": "active", "after": "lifted"},
            at=when,
        )
    type(checkpoint).objects.filter(pk=checkpoint.pk).update(status="lifted", since=when)
