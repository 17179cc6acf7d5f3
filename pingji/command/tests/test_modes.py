"""The mode in force: own switch, else the nearest ancestor's; peacetime when nobody switched."""

import datetime

from django.utils import timezone

from pingji.command.choices import Mode
from pingji.command.modes import mode_for, modes_below

from .factories import ModeSwitchFactory

NOW = timezone.now()
DAY = datetime.timedelta(days=1)


def test_without_any_switch_it_is_peacetime(tree):
    current = mode_for(tree["350322"])
    assert current.mode == Mode.PEACETIME and current.switch is None


def test_a_county_inherits_its_citys_emergency(tree):
    switch = ModeSwitchFactory(jurisdiction=tree["3503"], level="II", effective_at=NOW - DAY)
    current = mode_for(tree["350322100"])
    assert (current.mode, current.level, current.switch) == (Mode.EMERGENCY, "II", switch)
    assert current.inherited_from == tree["3503"]


def test_an_own_switch_beats_an_ancestors_later_one(tree):
    ModeSwitchFactory(jurisdiction=tree["350322"], level="I", effective_at=NOW - 2 * DAY)
    ModeSwitchFactory(
        jurisdiction=tree["35"], mode=Mode.PEACETIME, level="", effective_at=NOW - DAY
    )
    current = mode_for(tree["350322"])
    assert (current.level, current.inherited_from) == ("I", None)


def test_a_future_switch_is_not_yet_in_force(tree):
    ModeSwitchFactory(jurisdiction=tree["3503"], effective_at=NOW + DAY)
    assert mode_for(tree["350322"]).mode == Mode.PEACETIME
    assert mode_for(tree["350322"], NOW + 2 * DAY).mode == Mode.EMERGENCY


def test_modes_below_resolves_each_child_like_mode_for(tree, django_assert_max_num_queries):
    ModeSwitchFactory(jurisdiction=tree["35"], level="III", effective_at=NOW - 3 * DAY)
    ModeSwitchFactory(jurisdiction=tree["3503"], level="II", effective_at=NOW - 2 * DAY)
    with django_assert_max_num_queries(2):
        below = dict((j.code, m) for j, m in modes_below(tree["35"]))
    assert set(below) == {"3502", "3503"}
    assert (below["3503"].level, below["3503"].inherited_from) == ("II", None)
    assert (below["3502"].level, below["3502"].inherited_from) == ("III", tree["35"])
    for code, m in below.items():
        expected = mode_for(tree[code])
        assert (m.mode, m.level, m.switch) == (expected.mode, expected.level, expected.switch)
