"""``core.rows`` writes the rows ``bulk_create`` and ``bulk_update`` write; ``record_events``
writes the events nobody hears through it and the others with their subscribers."""

import datetime
from typing import TypedDict

from django.contrib.contenttypes.models import ContentType

from pingji.core import events as core_events
from pingji.core import rows
from pingji.core.models import DomainEvent
from pingji.geo.models import Jurisdiction
from pingji.users.choices import Role
from pingji.users.models import User

WHEN = datetime.datetime(2021, 9, 12, 8, 30, tzinfo=datetime.UTC)


class _Payload(TypedDict, total=False):
    on: str
    temperature: str
    symptoms: list
    n: int
    moved: int


#: Kinds this module invents to test the writer: declared here, not by an app.
KINDS = {
    tag: core_events.declare(f"test_rows.{tag}", f"a test kind of core.rows ({tag})", _Payload)
    for tag in ("bulk", "fast", "parent", "quiet", "heard")
}


def _events(tag: str, subject) -> list[DomainEvent]:
    kind = ContentType.objects.get_for_model(Jurisdiction)
    return [
        DomainEvent(
            kind=KINDS[tag],
            time=WHEN + datetime.timedelta(hours=n),
            jurisdiction_code=subject.code,
            content_type=kind,
            object_id=str(n),
            summary=f"row {n}: 体温 36.{n} °C",
            payload={"on": "2021-09-12", "temperature": f"36.{n}", "symptoms": [], "n": n},
        )
        for n in range(5)
    ]


def _written(tag: str) -> list[dict]:
    """The rows of a kind, without what differs by construction: id, kind, and the record time
    (each event is stamped when it is built, so two lists built one after the other differ)."""
    found = DomainEvent.objects.filter(kind=KINDS[tag]).order_by("time").values()
    return [
        {k: v for k, v in row.items() if k not in ("id", "kind", "recorded_at")} for row in found
    ]


def test_insert_writes_what_bulk_create_writes(tree):
    county = tree["350322"]
    DomainEvent.objects.bulk_create(_events("bulk", county))
    assert rows.insert(DomainEvent, _events("fast", county)) == 5
    assert _written("fast") == _written("bulk")
    assert len(_written("fast")) == 5


def test_insert_takes_the_ids_of_parents_saved_after_the_rows_were_built(tree):
    # a row built on an unsaved parent, as the replay builds checks on unsaved placements
    actor = User(username="350322-demo-actor", role=Role.OPERATOR, jurisdiction=tree["350322"])
    event = _events("parent", tree["350322"])[0]
    event.actor = actor
    actor.save()
    rows.insert(DomainEvent, [event])
    assert DomainEvent.objects.get(kind=KINDS["parent"]).actor_id == actor.pk


def test_insert_of_nothing_writes_nothing(db):
    assert rows.insert(DomainEvent, []) == 0


def test_record_events_lets_subscribers_react_in_time_order_and_writes_the_rest(tree, monkeypatch):
    heard = []
    monkeypatch.setitem(core_events._handlers, KINDS["heard"], [heard.append])
    quiet, loud = _events("quiet", tree["350322"]), _events("heard", tree["350322"])
    assert len(core_events.record_events(quiet + loud[::-1])) == 10
    assert [e.object_id for e in heard] == ["0", "1", "2", "3", "4"]
    assert all(e.pk for e in heard)  # a subscriber may refer to the event it hears
    assert len(_written("quiet")) == len(_written("heard")) == 5


def test_update_writes_what_bulk_update_writes(tree):
    DomainEvent.objects.bulk_create(_events("bulk", tree["350322"]))
    rows.insert(DomainEvent, _events("fast", tree["350322"]))
    later = WHEN + datetime.timedelta(days=3)
    for tag, write in (
        ("bulk", lambda objs: DomainEvent.objects.bulk_update(objs, ["time", "payload"])),
        ("fast", lambda objs: rows.update(DomainEvent, objs, ["time", "payload"])),
    ):
        objs = list(DomainEvent.objects.filter(kind=KINDS[tag]).order_by("time"))
        for n, event in enumerate(objs):
            event.time, event.payload = later + datetime.timedelta(minutes=n), {"moved": n}
            event.summary = "not written"  # only the named fields are
        write(objs)
    assert _written("fast") == _written("bulk")
    assert {e["payload"]["moved"] for e in _written("fast")} == {0, 1, 2, 3, 4}
    assert not DomainEvent.objects.filter(summary="not written").exists()
    assert rows.update(DomainEvent, [], ["time"]) == 0
