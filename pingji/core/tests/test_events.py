"""Domain-event subscriptions: a later domain reacts inside the transaction of the cause."""

import pytest
from django.db import transaction

from pingji.core import events
from pingji.core.models import DomainEvent


@pytest.fixture
def handlers(monkeypatch):
    """A clean registry for the test, so test handlers never leak into other tests."""
    registry: dict = events.defaultdict(list)
    monkeypatch.setattr(events, "_handlers", registry)
    return registry


@pytest.mark.django_db
def test_a_subscriber_receives_events_of_its_kinds_only(handlers):
    seen = []
    events.subscribe("demo.a", "demo.b")(seen.append)

    events.record_event("demo.a", "first", jurisdiction_code="35")
    events.record_event("demo.c", "ignored", jurisdiction_code="35")
    events.record_event("demo.b", "second", jurisdiction_code="35")

    assert [e.summary for e in seen] == ["first", "second"]
    assert all(isinstance(e, DomainEvent) and e.pk for e in seen)


@pytest.mark.django_db
def test_subscribing_twice_runs_a_handler_once(handlers):
    seen = []
    for _ in range(2):
        events.subscribe("demo.a")(seen.append)
    events.record_event("demo.a", "once", jurisdiction_code="35")
    assert len(seen) == 1


@pytest.mark.django_db
def test_a_failing_handler_rolls_back_the_event_with_its_cause(handlers):
    @events.subscribe("demo.a")
    def refuse(event):
        raise RuntimeError("reaction failed")

    with pytest.raises(RuntimeError), transaction.atomic():
        events.record_event("demo.a", "cause", jurisdiction_code="35")
    assert not DomainEvent.objects.filter(kind="demo.a").exists()
