"""Domain events: declared kinds, checked payloads, two times, and in-transaction subscribers."""

import datetime
from typing import NotRequired, TypedDict

import pytest
from django.core import checks
from django.db import transaction
from django.utils import timezone

from pingji.core import clock, events
from pingji.core.checks import subscribed_kinds_are_declared
from pingji.core.models import DomainEvent


class _Payload(TypedDict):
    n: int
    note: NotRequired[str]


#: Kinds this module invents to test the mechanism: declared here, not by an app.
A = events.declare("test_events.a", "a test kind with a payload", _Payload)
B = events.declare("test_events.b", "a test kind without a payload")
C = events.declare("test_events.c", "a test kind nobody subscribes to")


@pytest.fixture
def handlers(monkeypatch):
    """A clean registry for the test, so test handlers never leak into other tests."""
    registry: dict = events.defaultdict(list)
    monkeypatch.setattr(events, "_handlers", registry)
    monkeypatch.setattr(events, "_batched", set())
    return registry


@pytest.mark.django_db
def test_a_subscriber_receives_events_of_its_kinds_only(handlers):
    seen = []
    events.subscribe(A, B)(seen.append)

    events.record_event(A, "first", jurisdiction_code="35", payload={"n": 1})
    events.record_event(C, "ignored", jurisdiction_code="35")
    events.record_event(B, "second", jurisdiction_code="35")

    assert [e.summary for e in seen] == ["first", "second"]
    assert all(isinstance(e, DomainEvent) and e.pk for e in seen)


@pytest.mark.django_db
def test_subscribing_twice_runs_a_handler_once(handlers):
    seen = []
    for _ in range(2):
        events.subscribe(B)(seen.append)
    events.record_event(B, "once", jurisdiction_code="35")
    assert len(seen) == 1


@pytest.mark.django_db
def test_a_batch_subscriber_hears_a_bulk_write_once_in_time_order(handlers):
    """One call with every event of its kinds from ``record_events``; a one-event list from
    ``record_event``; the one-event handlers of the same events still hear each one."""
    calls, single = [], []
    events.subscribe(A, B, batch=True)(calls.append)
    events.subscribe(B)(single.append)
    day = timezone.make_aware(datetime.datetime(2021, 9, 14, 8))
    made = [
        DomainEvent(
            kind=kind,
            time=day + datetime.timedelta(hours=h),
            jurisdiction_code="35",
            payload={"n": h} if kind == A else {},
            **events.summary_fields(str(h)),
        )
        for kind, h in ((B, 3), (A, 1), (C, 0), (B, 2))
    ]
    events.record_events(made)
    assert [[e.summary for e in batch] for batch in calls] == [["1", "2", "3"]]
    assert all(e.pk for e in calls[0])
    assert sorted(e.summary for e in single) == ["2", "3"]

    events.record_event(A, "alone", jurisdiction_code="35", payload={"n": 9})
    assert [e.summary for e in calls[-1]] == ["alone"]


@pytest.mark.django_db
def test_a_failing_handler_rolls_back_the_event_with_its_cause(handlers):
    @events.subscribe(B)
    def refuse(event):
        raise RuntimeError("reaction failed")

    with pytest.raises(RuntimeError), transaction.atomic():
        events.record_event(B, "cause", jurisdiction_code="35")
    assert not DomainEvent.objects.filter(kind=B).exists()


def test_declare_returns_the_kind_and_refuses_a_second_declaration():
    assert A == "test_events.a"
    assert events.declared(A).payload is _Payload
    with pytest.raises(ValueError, match="already declared"):
        events.declare(A, "again")


@pytest.mark.parametrize("kind", ["nodot", ".x", "x.", "x." + "y" * 70])
def test_declare_refuses_a_kind_that_is_not_app_dot_name(kind):
    with pytest.raises(ValueError):
        events.declare(kind, "bad")


@pytest.mark.django_db
def test_an_undeclared_kind_is_refused_before_anything_is_written():
    with pytest.raises(events.UnknownEventKind, match="test_events.typo"):
        events.record_event("test_events.typo", "x", jurisdiction_code="35")
    with pytest.raises(events.UnknownEventKind):
        events.record_events(
            [DomainEvent(kind="test_events.typo", summary="x", jurisdiction_code="35")]
        )
    assert not DomainEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "payload", "problem"),
    [
        (A, {}, "missing ['n']"),
        (A, {"n": 1, "extra": 2}, "unknown ['extra']"),
        (B, {"n": 1}, "carries no payload"),
    ],
)
def test_a_payload_must_have_the_declared_keys_and_no_others(kind, payload, problem):
    with pytest.raises(events.EventPayloadError, match=problem.replace("[", r"\[")):
        events.record_event(kind, "x", jurisdiction_code="35", payload=payload)
    with pytest.raises(events.EventPayloadError):
        events.record_events(
            [DomainEvent(kind=kind, summary="x", jurisdiction_code="35", payload=payload)]
        )
    assert not DomainEvent.objects.exists()


@pytest.mark.django_db
def test_optional_keys_may_be_left_out_or_given():
    events.record_event(A, "x", jurisdiction_code="35", payload={"n": 1})
    events.record_event(A, "y", jurisdiction_code="35", payload={"n": 2, "note": "why"})
    assert DomainEvent.objects.filter(kind=A).count() == 2


@pytest.mark.django_db
def test_an_event_keeps_when_it_happened_apart_from_when_it_was_recorded(monkeypatch):
    now = timezone.make_aware(datetime.datetime(2021, 9, 20, 8, 0))
    monkeypatch.setattr(clock, "now", lambda: now)
    happened = now - datetime.timedelta(days=3)

    dated = events.record_event(B, "reported late", jurisdiction_code="35", at=happened)
    undated = events.record_event(B, "now", jurisdiction_code="35")

    dated.refresh_from_db()
    assert (dated.time, dated.recorded_at) == (happened, now)
    assert undated.time == undated.recorded_at == now


@pytest.mark.django_db
def test_a_naive_event_time_is_read_in_shanghai():
    event = events.record_event(
        B, "x", jurisdiction_code="35", at=datetime.datetime(2021, 9, 12, 8, 0)
    )
    event.refresh_from_db()
    assert event.time == datetime.datetime(2021, 9, 12, 0, 0, tzinfo=datetime.UTC)


@pytest.mark.django_db
def test_bulk_events_keep_their_own_time_and_are_recorded_now(handlers, monkeypatch):
    now = timezone.make_aware(datetime.datetime(2021, 9, 20, 8, 0))
    monkeypatch.setattr(clock, "now", lambda: now)
    seen = []
    events.subscribe(A)(seen.append)
    past = now - datetime.timedelta(days=5)
    built = [
        DomainEvent(kind=A, summary=str(n), jurisdiction_code="35", payload={"n": n}, time=past)
        for n in range(3)
    ]
    built[0].recorded_at = past  # a caller cannot back-date the record time

    events.record_events(built)

    rows = DomainEvent.objects.filter(kind=A)
    assert {(e.time, e.recorded_at) for e in rows} == {(past, now)}
    assert len(seen) == 3


def test_the_system_check_reports_a_subscription_to_an_undeclared_kind(handlers):
    def on_typo(event):
        pass

    events.subscribe(A, "test_events.typo")(on_typo)
    found = subscribed_kinds_are_declared(None)
    assert [(m.id, m.level) for m in found] == [("core.E001", checks.ERROR)]
    assert "test_events.typo" in found[0].msg and "on_typo" in str(found[0].obj)


def test_every_subscription_of_the_platform_is_to_a_declared_kind():
    assert subscribed_kinds_are_declared(None) == []
    assert events.subscribed_kinds(), "the apps' handlers are subscribed at start-up"
