"""The actions' shared kit (``core.actions``) and the clock (``core.clock``) on real rows.

Here rather than in core's own tests because it locks and records on a geo ``Place``: core
imports no other app, its tests included.
"""

import datetime
from typing import TypedDict

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pingji.core import actions as kit
from pingji.core import clock
from pingji.core.events import declare
from pingji.core.models import DomainEvent
from pingji.geo.tests.factories import PlaceFactory

GRID = "350322100001001"
#: 2021-09-20 08:00 in Shanghai.
NOW = datetime.datetime(2021, 9, 20, 0, 0, tzinfo=datetime.UTC)


class _Noted(TypedDict):
    n: int


#: A kind this module invents to test ``record_on``: declared here, not by an app.
NOTED = declare("test_kit.noted", "a test event on a subject", _Noted)


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    return NOW


@pytest.fixture
def place(tree):
    return PlaceFactory(jurisdiction=tree[GRID], name="东门小区")


def test_errors_are_keyed_by_their_field_with_a_code():
    one = kit.error("at", "The time is in the future.", "future")
    assert one.message_dict == {"at": ["The time is in the future."]}
    assert one.error_dict["at"][0].code == "future"
    many = kit.field_errors({"name": "Give a name.", "at": "Give the time."})
    assert many.message_dict == {"name": ["Give a name."], "at": ["Give the time."]}
    assert {e.code for errors in many.error_dict.values() for e in errors} == {"invalid"}


def test_a_naive_time_is_read_in_shanghai_and_an_aware_one_is_kept():
    naive = datetime.datetime(2021, 9, 12, 8, 0)
    assert kit.aware(naive) == datetime.datetime(2021, 9, 12, 0, 0, tzinfo=datetime.UTC)
    assert kit.aware(NOW) is NOW
    assert kit.aware(None) is None


def test_the_local_date_is_shanghai_s_not_utc_s():
    late_utc = datetime.datetime(2021, 9, 11, 16, 30, tzinfo=datetime.UTC)  # 00:30 on the 12th
    assert kit.local_date(late_utc) == datetime.date(2021, 9, 12)


def test_the_clock_gives_now_and_shanghai_s_today(frozen, monkeypatch):
    assert clock.now() == NOW
    monkeypatch.setattr(
        clock, "now", lambda: datetime.datetime(2021, 9, 11, 17, tzinfo=datetime.UTC)
    )
    assert clock.today() == datetime.date(2021, 9, 12)


def test_the_unfrozen_clock_is_django_s():
    before = timezone.now()
    assert before <= clock.now() <= timezone.now()


def test_a_time_within_the_slack_is_now_and_beyond_it_is_refused(frozen):
    soon = NOW + kit.FUTURE_SLACK - datetime.timedelta(seconds=1)
    assert not kit.in_future(soon)
    assert kit.not_in_future(soon, "at") == soon
    later = NOW + kit.FUTURE_SLACK + datetime.timedelta(seconds=1)
    assert kit.in_future(later)
    with pytest.raises(ValidationError) as refused:
        kit.not_in_future(later, "sampled_at", "The sampling time is in the future.")
    assert refused.value.message_dict == {"sampled_at": ["The sampling time is in the future."]}


def test_locked_rereads_the_row_for_an_actor_who_may_act_on_it(place, county_user):
    type(place).objects.filter(pk=place.pk).update(name="东门新村")  # changed since it was read
    fresh = kit.locked(place, county_user, "change")
    assert fresh is not place and fresh.pk == place.pk and fresh.name == "东门新村"
    assert kit.locked(place).name == "东门新村"  # without an actor: re-read, no scope


def test_locked_refuses_a_row_outside_the_actor_s_area(place, outsider):
    with pytest.raises(PermissionDenied, match="This place is elsewhere."):
        kit.locked(place, outsider, "change", outside="This place is elsewhere.")


def test_record_on_records_in_the_subject_s_jurisdiction_unless_told(place, frozen):
    happened = NOW - datetime.timedelta(days=2)
    event = kit.record_on(place, NOTED, "noted", payload={"n": 1}, at=happened)
    assert (event.kind, event.jurisdiction_code, event.object_id) == (NOTED, GRID, str(place.pk))
    assert (event.time, event.recorded_at, event.payload) == (happened, NOW, {"n": 1})
    above = kit.record_on(place, NOTED, "noted above", payload={"n": 2}, jurisdiction_code="3503")
    assert above.jurisdiction_code == "3503" and above.time == NOW
    assert DomainEvent.objects.filter(kind=NOTED).count() == 2
