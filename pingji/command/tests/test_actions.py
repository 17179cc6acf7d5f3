"""do_switch_mode: level rules, reason, permission, area, and no switch that changes nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pingji.command.actions.modes import do_switch_mode
from pingji.command.choices import Mode
from pingji.command.models import ModeSwitch
from pingji.command.modes import mode_for
from pingji.core.models import DomainEvent
from pingji.users.choices import Role

from .factories import ModeSwitchFactory


@pytest.fixture
def commander(make_user):
    return make_user(Role.COMMANDER, "3503", username="pt-commander")


def test_a_commander_declares_an_emergency_for_the_city(tree, commander):
    switch = do_switch_mode(
        tree["3503"], mode=Mode.EMERGENCY, level="II", reason="莆田本土疫情", actor=commander
    )
    assert (switch.decided_by, switch.level) == (commander, "II")
    assert mode_for(tree["350322"]).inherited_from == tree["3503"]
    event = DomainEvent.objects.get(kind="command.mode_switched")
    assert event.jurisdiction_code == "3503" and event.object_id == str(switch.pk)
    assert event.payload["previous"] == {"mode": "peacetime", "level": "", "inherited_from": None}
    assert event.payload["reason"] == "莆田本土疫情"


@pytest.mark.parametrize(
    "mode, level, reason, field",
    [
        (Mode.EMERGENCY, "", "疫情", "level"),
        (Mode.EMERGENCY, "V", "疫情", "level"),
        (Mode.PEACETIME, "II", "解除", "level"),
        (Mode.EMERGENCY, "II", "  ", "reason"),
        ("wartime", "", "x", "mode"),
    ],
)
def test_bad_switches_are_refused_and_nothing_is_saved(tree, commander, mode, level, reason, field):
    with pytest.raises(ValidationError) as exc:
        do_switch_mode(tree["3503"], mode=mode, level=level, reason=reason, actor=commander)
    assert field in exc.value.message_dict
    assert not ModeSwitch.objects.exists() and not DomainEvent.objects.exists()


def test_switching_to_the_mode_already_in_force_is_refused(tree, commander, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="pw")
    ModeSwitchFactory(jurisdiction=tree["3503"], level="II")
    with pytest.raises(ValidationError, match="already in this mode"):
        do_switch_mode(tree["3503"], mode=Mode.EMERGENCY, level="II", reason="x", actor=commander)
    with pytest.raises(ValidationError, match="inherited from 莆田市"):
        do_switch_mode(tree["350322"], mode=Mode.EMERGENCY, level="II", reason="x", actor=commander)
    with pytest.raises(ValidationError, match="already in this mode"):
        do_switch_mode(tree["3502"], mode=Mode.PEACETIME, reason="x", actor=root)
    assert ModeSwitch.objects.count() == 1


def test_raising_the_level_or_returning_to_peacetime_is_a_switch(tree, commander):
    ModeSwitchFactory(jurisdiction=tree["3503"], level="II")
    do_switch_mode(tree["3503"], mode=Mode.EMERGENCY, level="I", reason="升级", actor=commander)
    later = timezone.now() + datetime.timedelta(minutes=1)
    do_switch_mode(
        tree["3503"], mode=Mode.PEACETIME, reason="解除", actor=commander, effective_at=later
    )
    assert mode_for(tree["3503"], later).mode == Mode.PEACETIME
    assert ModeSwitch.objects.count() == 3


def test_a_role_without_the_permission_cannot_switch(tree, county_user):
    with pytest.raises(PermissionDenied):
        do_switch_mode(
            tree["350322"], mode=Mode.EMERGENCY, level="IV", reason="x", actor=county_user
        )
    assert not ModeSwitch.objects.exists()


def test_a_jurisdiction_outside_the_area_is_refused_and_nothing_saved(tree, commander):
    for code in ("3502", "35"):
        with pytest.raises(PermissionDenied):
            do_switch_mode(tree[code], mode=Mode.EMERGENCY, level="IV", reason="x", actor=commander)
    assert not ModeSwitch.objects.exists() and not DomainEvent.objects.exists()


def test_the_switch_is_dated_when_it_takes_effect_and_recorded_when_entered(tree, commander):
    effective = timezone.now() - datetime.timedelta(hours=5)
    do_switch_mode(
        tree["3503"],
        mode=Mode.EMERGENCY,
        level="III",
        reason="补录：昨夜已启动应急响应",
        actor=commander,
        effective_at=effective,
    )
    event = DomainEvent.objects.get(kind="command.mode_switched")
    assert event.time == effective
    assert event.recorded_at > effective + datetime.timedelta(hours=4)
