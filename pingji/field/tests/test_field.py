"""The field app's server side: the key handed out and withheld, the day masked and scoped, and
sync replaying a phone's records through the actions once, in order, with conflicts reported."""

import datetime
import json
import uuid

import pytest

from pingji.core import clock
from pingji.core.actions import local_date
from pingji.core.models import DomainEvent
from pingji.field.choices import Outcome
from pingji.field.models import FieldDevice, FieldRecord
from pingji.quarantine.choices import CheckSource, PlacementStatus
from pingji.quarantine.models import MonitoringCheck, Placement
from pingji.tasks.choices import TaskStatus
from pingji.tasks.models import Task
from pingji.testing.models import Coverage
from pingji.testing.tests.factories import RoundFactory

from .conftest import GRID

DEVICE = str(uuid.uuid4())


def key(client, device=DEVICE):
    return client.get(f"/api/field/key/?device={device}")


def sync(client, records, device=DEVICE):
    return client.post(
        "/api/field/sync/", {"device": device, "records": records}, content_type="application/json"
    )


def made(minutes_ago: int) -> str:
    return (clock.now() - datetime.timedelta(minutes=minutes_ago)).isoformat()


def check(placement, minutes_ago=30, temperature="36.6", **data):
    return {
        "id": str(uuid.uuid4()),
        "kind": "check",
        "made_at": made(minutes_ago),
        "data": {"placement": placement.pk, "temperature": temperature, **data},
    }


def work(task, kind="door", minutes_ago=20, **data):
    return {
        "id": str(uuid.uuid4()),
        "kind": kind,
        "made_at": made(minutes_ago),
        "data": {"task": task.pk, "outcome": "visited", "text": "一户三人，均在家", **data},
    }


@pytest.fixture
def phone(client, worker):
    client.force_login(worker)
    assert key(client).status_code == 200
    return client


def test_the_key_is_handed_out_to_its_user_and_withheld_once_revoked_or_deactivated(
    client, worker, make_user
):
    client.force_login(worker)
    first = key(client)
    assert first.status_code == 200 and "no-store" in first["Cache-Control"]
    assert key(client).json()["key"] == first.json()["key"]
    assert len(__import__("base64").b64decode(first.json()["key"])) == 32
    other = key(client, str(uuid.uuid4())).json()["key"]
    assert other != first.json()["key"]  # one key per device

    # another account on the same phone does not get its key: the store there is not theirs
    client.force_login(make_user(username="another-worker", role="grid_worker", code=GRID))
    refused = key(client)
    assert refused.status_code == 403 and refused.json()["wipe"] is True

    # no session: the phone is asked to log in, and keeps its records meanwhile
    client.logout()
    assert key(client).status_code == 401

    # the account deactivated: even without a session, the device's id hears "wipe"
    worker.is_active = False
    worker.save()
    answer = key(client)
    assert answer.status_code == 403 and answer.json()["reason"] == "deactivated"


def test_a_revoked_device_gets_no_key_no_day_and_no_sync(phone, worker, home):
    device = FieldDevice.objects.get(device=DEVICE)
    response = phone.post(f"/field/devices/{device.pk}/revoke/")
    assert response.status_code == 302
    for answer in (key(phone), phone.get(f"/api/field/day/?device={DEVICE}"), sync(phone, [])):
        assert answer.status_code == 403 and answer.json() == {
            "wipe": True,
            "reason": "revoked",
            "detail": "This device was revoked: its data is wiped.",
        }


def test_the_day_holds_only_the_grid_masked_as_online(phone, worker, home, elsewhere, door, chore):
    response = phone.get(f"/api/field/day/?device={DEVICE}")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    day = response.json()
    assert {p["placement"] for p in day["monitoring"]} == {p.pk for p in home}
    assert set(day["monitoring"][0]) == {
        "placement", "name", "address", "end", "overdue", "test_due", "checked", "self_reported"
    }  # fmt: skip
    assert {t["task"] for t in day["tasks"]} == {door.pk, chore.pk}
    assert [t["door"] for t in day["tasks"] if t["task"] == door.pk] == [True]
    assert "王某某" not in response.content.decode()
    day_began = datetime.datetime.fromisoformat(day["expires_at"]) - datetime.timedelta(hours=24)
    assert day_began.date().isoformat() == day["day"]


def test_sync_applies_each_record_once_through_the_actions(phone, worker, home, door, chore):
    records = [
        check(home[0], temperature="36.5"),
        check(home[1], temperature="38.2", symptoms=["cough"]),
        work(door),
        work(chore, kind="evidence", text="通告已张贴"),
    ]
    first = sync(phone, records)
    assert first.status_code == 200
    assert [r["outcome"] for r in first.json()["results"]] == ["applied"] * 4
    checks = MonitoringCheck.objects.filter(placement__in=home)
    assert checks.count() == 2
    fever = checks.get(placement=home[1])
    assert (fever.symptoms, fever.source) == (["cough"], CheckSource.STAFF)
    # the event is dated when the check was taken on the phone; recorded when it arrived
    event = DomainEvent.objects.get(kind="quarantine.checked", object_id=str(home[1].pk))
    assert (
        event.time.isoformat() == datetime.datetime.fromisoformat(records[1]["made_at"]).isoformat()
    )
    assert event.recorded_at > event.time
    door.refresh_from_db()
    assert (door.status, door.evidence) == (TaskStatus.SUBMITTED, "door checked: 一户三人，均在家")

    # the same batch again (an answer lost on the way): nothing changes, the same outcomes
    events, changes = DomainEvent.objects.count(), FieldRecord.objects.count()
    again = sync(phone, records).json()["results"]
    assert [r["outcome"] for r in again] == ["applied"] * 4
    assert all(r["replayed"] for r in again)
    assert (DomainEvent.objects.count(), FieldRecord.objects.count()) == (events, changes)
    assert checks.count() == 2


def test_what_changed_meanwhile_comes_back_as_a_conflict(phone, worker, home, door, make_user):
    Placement.objects.filter(pk=home[0].pk).update(status=PlacementStatus.COMPLETED)
    Task.objects.filter(pk=door.pk).update(status=TaskStatus.CANCELLED)
    made_on = local_date(clock.now() - datetime.timedelta(minutes=30))  # as ``check`` dates it
    MonitoringCheck.objects.create(
        placement=home[1],
        on=made_on,  # the phone's check is of the day it was made (just after midnight: yesterday)
        day=home[1].day_of(made_on),
        temperature="36.4",
        source=CheckSource.SELF,
        recorded_at=clock.now(),
    )
    outside = check(home[0])
    outside["data"]["placement"] = 10**9  # nothing the worker may see
    records = [check(home[0]), check(home[1]), work(door), check(home[1], temperature="45")]
    records.append(outside)
    results = sync(phone, records).json()["results"]
    assert [r["outcome"] for r in results] == [
        Outcome.CONFLICT,
        Outcome.CONFLICT,
        Outcome.CONFLICT,
        Outcome.REFUSED,
        Outcome.CONFLICT,
    ]
    assert "completed" in results[0]["message"]
    assert "already recorded" in results[1]["message"]
    assert "cancelled takes no evidence" in results[2]["message"]
    assert "temperature between" in results[3]["message"]
    assert "no longer in your area" in results[4]["message"]
    assert MonitoringCheck.objects.filter(placement__in=home).count() == 1  # the self-report


def test_records_are_applied_in_the_order_they_were_made(phone, worker, door):
    later = work(door, minutes_ago=5, text="第二次")
    earlier = work(door, minutes_ago=50, text="第一次")
    results = sync(phone, [later, earlier]).json()["results"]
    assert [r["outcome"] for r in results] == [Outcome.CONFLICT, Outcome.APPLIED]
    door.refresh_from_db()
    assert door.evidence.endswith("第一次")


def test_a_record_from_the_future_or_of_another_user_is_refused(phone, worker, home, make_user):
    ahead = check(home[0])
    ahead["made_at"] = (clock.now() + datetime.timedelta(hours=2)).isoformat()
    taken = check(home[1])
    FieldRecord.objects.create(
        client_id=taken["id"],
        user=make_user(username="someone", code=GRID),
        kind="check",
        target="x",
        made_at=clock.now(),
        batch=uuid.uuid4(),
        outcome=Outcome.APPLIED,
    )
    results = sync(phone, [ahead, taken, {"kind": "check"}]).json()["results"]
    assert [r["outcome"] for r in results] == [Outcome.REFUSED] * 3
    assert not MonitoringCheck.objects.exists()


def test_a_reminder_to_get_tested_is_an_event_on_the_person(phone, worker, home, tree):
    round = RoundFactory(jurisdiction=tree["350322"])
    Coverage.objects.create(round=round, jurisdiction=tree[GRID], target=10)
    person = home[0].person
    record = {
        "id": str(uuid.uuid4()),
        "kind": "reminder",
        "made_at": made(10),
        "data": {"person": person.pk, "round": round.pk, "outcome": "reminded"},
    }
    assert sync(phone, [record]).json()["results"][0]["outcome"] == Outcome.APPLIED
    event = DomainEvent.objects.get(kind="field.test_reminded")
    assert event.payload == {"round": round.pk, "outcome": "reminded"}
    round.status = "closed"
    round.save()
    late = {**record, "id": str(uuid.uuid4())}
    assert sync(phone, [late]).json()["results"][0]["outcome"] == Outcome.CONFLICT


def test_the_history_is_ones_own(phone, worker, home, make_user, client):
    sync(phone, [check(home[0])])
    page = phone.get("/field/history/")
    assert page.status_code == 200 and "陈**" in page.content.decode()
    listed = phone.get("/api/field/records/").json()["results"]
    assert [r["outcome"] for r in listed] == ["applied"]
    client.force_login(make_user(username="colleague", role="grid_worker", code=GRID))
    assert client.get("/api/field/records/").json()["results"] == []


def test_the_shell_and_its_worker_carry_no_personal_data(phone, home):
    shell = phone.get("/field/")
    assert shell.status_code == 200
    assert "陈某某" not in shell.content.decode()
    worker = phone.get("/field/sw.js")
    assert worker["Service-Worker-Allowed"] == "/field/"
    assert b"const ASSETS" in worker.content
    manifest = phone.get("/field/manifest.webmanifest").json()
    assert manifest["scope"] == "/field/" and manifest["start_url"] == "/field/"


def test_the_worker_keeps_every_file_the_shell_loads(phone):
    """The app is split into several scripts: each must be kept for an offline start."""
    import re

    shell = phone.get("/field/").content.decode()
    tags = r'<(?:script src|link rel="(?:stylesheet|icon)" href)="([^"]+)"'
    loaded = set(re.findall(tags, shell))
    assert {u.rsplit("/", 1)[-1] for u in loaded} >= {"store.js", "app.js", "field.css"}
    worker = phone.get("/field/sw.js").content.decode()
    kept = set(json.loads(worker.split("const ASSETS = ", 1)[1].split(";", 1)[0]))
    assert loaded <= kept


#: What the day may cost, whatever the number of people and tasks: the session, the user, the
#: device, then one query per list (six today), with two of slack.
DAY_BUDGET = 8


def test_the_day_costs_no_query_per_person(phone, tree, django_assert_max_num_queries):
    from pingji.tasks.tests.factories import TaskFactory

    from .conftest import at_home

    for n in range(30):
        at_home(tree[GRID], f"居民{n}", f"东门路{n}号")
        TaskFactory(jurisdiction=tree[GRID])
    with django_assert_max_num_queries(DAY_BUDGET):
        day = phone.get(f"/api/field/day/?device={DEVICE}").json()
    assert (len(day["monitoring"]), len(day["tasks"])) == (30, 30)
