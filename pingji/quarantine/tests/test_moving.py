"""A person at home moves: within the county the grid's work follows them, else a dispatch."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from pingji.core.events import events_for
from pingji.geo.choices import Level
from pingji.geo.models import Jurisdiction
from pingji.people.models import Person
from pingji.quarantine.actions import moving
from pingji.quarantine.models import HistoryEntry, Placement, ScheduledTest
from pingji.tasks.models import Task
from pingji.tracing.actions.dispatch import do_dispatch_person
from pingji.tracing.actions.dispatch_answers import do_record_dispatch_outcome
from pingji.tracing.models import Dispatch
from pingji.users.choices import Role

from .conftest import GRID, HULI_GRID, sep

pytestmark = pytest.mark.django_db
D = datetime.date
NEXT_GRID = "350322100001002"  # 东门二网格, the same county


@pytest.fixture
def next_grid_worker(make_user):
    return make_user(Role.GRID_WORKER, NEXT_GRID)


def move(placement, actor, **kwargs):
    args = {"grid": NEXT_GRID, "reason": "搬到女儿家", "address": "东门路8号", "at": sep(26, 10)}
    return moving.do_move_home(placement, actor=actor, **{**args, **kwargs})


def open_tasks(owner: str):
    return Task.objects.filter(jurisdiction_id=owner, status="open")


def test_a_move_within_the_county_hands_the_person_to_the_new_grid(
    at_home, operator, grid_worker, next_grid_worker
):
    # Given 东门一网格's worker monitors 林某 at home, with their home-monitoring task
    assert Placement.objects.restrict(grid_worker).filter(pk=at_home.pk).exists()
    assert open_tasks(GRID).get().kind == "home-monitoring"
    pending = sorted(at_home.tests.filter(status="pending").values_list("due_on", flat=True))
    # When the county moves them to 东门二网格
    moved = move(at_home, operator)
    # Then the placement, the residence and the task are the new grid's; the clock is unchanged
    moved.refresh_from_db()
    assert (moved.home_id, moved.jurisdiction_id, moved.address) == (
        NEXT_GRID,
        NEXT_GRID,
        "东门路8号",
    )
    assert (moved.status, moved.exposure_on, moved.planned_end_on) == (
        "active",
        D(2021, 9, 10),
        D(2021, 10, 1),
    )
    assert sorted(moved.tests.filter(status="pending").values_list("due_on", flat=True)) == pending
    assert Person.objects.get(pk=moved.person_id).jurisdiction_id == NEXT_GRID
    assert Placement.objects.restrict(next_grid_worker).filter(pk=moved.pk).exists()
    assert Person.objects.restrict(next_grid_worker).filter(pk=moved.person_id).exists()
    assert not Placement.objects.restrict(grid_worker).filter(pk=moved.pk).exists()
    assert not open_tasks(GRID).exists()
    assert open_tasks(NEXT_GRID).get().kind == "home-monitoring"
    # And the history and the timeline say so
    step = moved.history.get(kind="moved")
    assert (step.from_jurisdiction, step.to_jurisdiction, step.reason) == (
        GRID,
        NEXT_GRID,
        "搬到女儿家",
    )
    assert "quarantine.moved_home" in [e.kind for e in events_for(moved)]


def test_an_open_alert_follows_the_person_to_the_new_community(at_home, operator):
    from pingji.quarantine.actions.followup import do_sweep

    do_sweep(D(2021, 9, 26))  # no check-in on 09-25: the community of 东门一网格 is alerted
    assert Task.objects.get(kind="quarantine.missed-check", status="open")
    move(at_home, operator)
    alert = Task.objects.get(kind="quarantine.missed-check", status="open")
    assert alert.jurisdiction_id == NEXT_GRID[:12]
    assert Task.objects.filter(kind="quarantine.missed-check", status="done").count() == 1


def test_a_move_to_another_county_is_handed_over_as_a_dispatch_and_placed_there(
    at_home, operator, grid_worker, huli_operator
):
    # When 林某 moves to 海山一网格 in 湖里区
    moved = move(at_home, operator, grid=HULI_GRID, address="海山路1号")
    # Then this placement ends as transferred, its open work closed, and 湖里区 has a dispatch
    moved.refresh_from_db()
    assert (moved.status, moved.ended_at, moved.next_test_on) == ("transferred", sep(26, 10), None)
    assert not moved.tests.filter(status="pending").exists()
    assert not Task.objects.filter(status="open").exclude(kind="tracing.dispatch").exists()
    dispatch = Dispatch.objects.get()
    assert (dispatch.to_region, dispatch.last_exposure_at) == ("350206", sep(10, 0))
    assert "5 days left" in dispatch.reason and "海山路1号" in dispatch.reason
    assert Dispatch.objects.restrict(huli_operator).filter(pk=dispatch.pk).exists()
    assert [h.kind for h in moved.history.all()][-2:] == ["moved", "dispatched"]
    assert not Placement.objects.restrict(grid_worker).filter(status="active").exists()
    # When 湖里区 records them controlled, they are placed there for the days left, once
    do_record_dispatch_outcome(dispatch, actor=huli_operator, outcome="controlled", at=sep(26, 20))
    there = Placement.objects.get(status="active")
    assert (there.setting, there.jurisdiction_id, there.category) == (
        "home",
        HULI_GRID,
        "close_contact",
    )
    assert (there.exposure_on, there.planned_end_on) == (D(2021, 9, 10), D(2021, 10, 1))
    assert Placement.objects.restrict(huli_operator).filter(pk=there.pk).exists()
    assert Placement.objects.filter(person=moved.person).count() == 2


@pytest.mark.parametrize(
    "answer",
    [
        {"outcome": "not_resident", "reason": "查无此人，未在海山路居住"},
        {"outcome": "unreachable", "note": "电话关机"},
    ],
)
def test_a_handover_the_county_does_not_take_resumes_at_the_old_grid(
    at_home, operator, grid_worker, huli_operator, answer
):
    # Given 林某, with home tests due on 09-26 and 09-30, moved to 湖里区 on 09-26
    for day, due_on in [(16, D(2021, 9, 26)), (20, D(2021, 9, 30))]:
        ScheduledTest.objects.create(
            placement=at_home,
            day=day,
            setting="home",
            due_on=due_on,
        )
    moved = move(at_home, operator, grid=HULI_GRID)
    dispatch = Dispatch.objects.get()
    # When 湖里区 answers on 09-27 that it does not take them
    do_record_dispatch_outcome(dispatch, actor=huli_operator, at=sep(27, 9), **answer)
    # Then monitoring resumes at 东门一网格 until 10-01, with the tests not yet due
    moved.refresh_from_db()
    assert (moved.status, moved.ended_at, moved.home_id) == ("active", None, GRID)
    assert Person.objects.get(pk=moved.person_id).jurisdiction_id == GRID
    pending = moved.tests.filter(status="pending")
    assert list(pending.values_list("due_on", flat=True)) == [D(2021, 9, 30)]
    assert moved.next_test_on == D(2021, 9, 30)
    assert Placement.objects.restrict(grid_worker).filter(pk=moved.pk, status="active").exists()
    # And the community is told who refused and why; the history and timeline say so
    task = Task.objects.get(kind=moving.HANDOVER_REFUSED)
    assert (task.jurisdiction_id, task.status) == (GRID[:12], "open")
    assert dispatch.to_region_name in task.title
    step = moved.history.get(kind="taken_back")
    assert (step.from_jurisdiction, step.to_jurisdiction) == ("350206", GRID)
    assert step.reason == answer.get("reason", "unreachable")
    assert "quarantine.taken_back" in [e.kind for e in events_for(moved)]


def test_a_handover_is_not_taken_back_when_the_person_is_placed_or_a_case(
    at_home, operator, huli_operator
):
    from pingji.cases.tests.factories import CaseFactory

    moved = move(at_home, operator, grid=HULI_GRID)
    CaseFactory(person=moved.person)
    do_record_dispatch_outcome(
        Dispatch.objects.get(), actor=huli_operator, outcome="not_resident", reason="不是本地人"
    )
    moved.refresh_from_db()
    assert moved.status == "transferred"
    assert not Task.objects.filter(kind=moving.HANDOVER_REFUSED).exists()


@pytest.fixture
def drill_grid(tree):
    """A drill sandbox under 仙游县 (decision 0020: its root is township-level)."""
    codes = [
        ("350322900", Level.TOWNSHIP, "350322"),
        ("350322900001", Level.COMMUNITY, "350322900"),
        ("350322900001001", Level.GRID, "350322900001"),
    ]
    for code, level, parent in codes:
        Jurisdiction.objects.create(
            code=code, name=f"演练{code}", level=level, parent_id=parent, drill=True
        )
    return codes[-1][0]


@pytest.mark.parametrize(
    "kwargs, code",
    [
        ({"grid": "350322100001999"}, "unknown"),
        ({"grid": "350322100"}, "not_a_grid"),
        ({"grid": "'; DROP TABLE geo_jurisdiction; --"}, "unknown"),
        ({"grid": GRID}, "invalid"),  # where they already live
        ({"reason": "  "}, "required"),
        ({"at": sep(26, 10) + datetime.timedelta(days=3650)}, "invalid"),  # in the future
        ({"at": sep(10, 10) + datetime.timedelta(days=30)}, "over"),  # monitoring ended
    ],
)
def test_bad_moves_are_refused_and_nothing_is_written(at_home, operator, kwargs, code):
    before = (HistoryEntry.objects.count(), Task.objects.count())
    with pytest.raises(ValidationError) as exc:
        move(at_home, operator, **kwargs)
    [field] = exc.value.error_dict
    assert exc.value.error_dict[field][0].code == code
    assert_unmoved(at_home, before)


def assert_unmoved(placement, before):
    fresh = Placement.objects.get(pk=placement.pk)
    assert (fresh.home_id, fresh.status, fresh.address) == (GRID, "active", "")
    assert Person.objects.get(pk=placement.person_id).jurisdiction_id == GRID
    assert (HistoryEntry.objects.count(), Task.objects.count()) == before
    assert not Dispatch.objects.exists()


def test_a_real_placement_cannot_move_into_a_drill_sandbox(at_home, operator, drill_grid):
    before = (HistoryEntry.objects.count(), Task.objects.count())
    with pytest.raises(ValidationError) as exc:
        move(at_home, operator, grid=drill_grid)
    assert exc.value.error_dict["grid"][0].code == "drill"
    assert_unmoved(at_home, before)


def test_a_person_at_a_site_is_transferred_not_moved(placed, operator):
    with pytest.raises(ValidationError) as exc:
        move(placed, operator, at=sep(14))
    assert exc.value.error_dict["grid"][0].code == "centralised"
    assert "transfer them to another site" in exc.value.messages[0]


def test_an_ended_placement_cannot_move(at_home, operator):
    move(at_home, operator, grid=HULI_GRID)  # handed over: the placement ended
    with pytest.raises(ValidationError) as exc:
        move(at_home, operator, at=sep(27))
    assert exc.value.error_dict["placement"][0].code == "not_active"


def test_a_person_already_dispatched_there_is_refused_whole(at_home, operator, make_user):
    epi = make_user(Role.EPIDEMIOLOGIST, "350322")
    do_dispatch_person(
        at_home.person,
        to_jurisdiction=Jurisdiction.objects.get(code="350206"),
        reason="密接",
        actor=epi,
        at=sep(25),
    )
    before = (HistoryEntry.objects.count(), Task.objects.count())
    with pytest.raises(ValidationError) as exc:
        move(at_home, operator, grid=HULI_GRID)
    assert exc.value.error_dict["person"][0].code == "duplicate"
    fresh = Placement.objects.get(pk=at_home.pk)
    assert (fresh.status, fresh.home_id) == ("active", GRID)
    assert (HistoryEntry.objects.count(), Task.objects.count()) == before
    assert Dispatch.objects.count() == 1


def test_only_the_county_with_the_permission_moves_its_people(
    at_home, huli_operator, grid_worker, make_user
):
    before = (HistoryEntry.objects.count(), Task.objects.count())
    for actor in (huli_operator, grid_worker):  # another county; a role that cannot change
        with pytest.raises(PermissionDenied):
            move(at_home, actor)
    # a township's operator may not put the person in a grid outside the township
    elsewhere = Jurisdiction.objects.create(
        code="350322101", name="榜头镇", level=Level.TOWNSHIP, parent_id="350322"
    )
    Jurisdiction.objects.create(
        code="350322101001", name="榜头社区", level=Level.COMMUNITY, parent=elsewhere
    )
    Jurisdiction.objects.create(
        code="350322101001001", name="榜头一网格", level=Level.GRID, parent_id="350322101001"
    )
    township = make_user(Role.OPERATOR, "350322100")
    with pytest.raises(ValidationError) as exc:
        move(at_home, township, grid="350322101001001")
    assert "outside your area" in exc.value.messages[0]
    assert_unmoved(at_home, before)


def test_moving_through_the_page(client, at_home, operator, grid_worker, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: sep(26, 10))
    client.force_login(grid_worker)
    assert b'id="move"' not in client.get(at_home.get_absolute_url()).content
    assert client.post(reverse("quarantine:move", args=[at_home.pk]), {}).status_code == 403
    client.force_login(operator)
    assert b'id="move"' in client.get(at_home.get_absolute_url()).content
    url = reverse("quarantine:move", args=[at_home.pk])
    refused = client.post(url, {"grid": "350322100", "reason": "搬家"})
    assert refused.status_code == 400 and b"give the grid the person moves to" in refused.content
    missing = client.post(url, {"grid": NEXT_GRID})
    assert missing.status_code == 400 and b"This field is required" in missing.content
    done = client.post(url, {"grid": NEXT_GRID, "reason": "搬家", "address": "东门路8号"})
    assert done.status_code == 302
    page = client.get(at_home.get_absolute_url())
    assert "东门二网格 · 东门路8号" in page.content.decode()


def test_moving_through_the_api(api, at_home, operator, huli_operator, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: sep(26, 10))
    url = f"/api/quarantine/placements/{at_home.pk}/move/"
    assert api(huli_operator).post(url, {"grid": NEXT_GRID, "reason": "x"}).status_code == 404
    client = api(operator)
    bad = client.post(url, {"grid": "350322100001999", "reason": "搬家"}, format="json")
    assert bad.status_code == 400 and "No grid has the code" in bad.json()["grid"][0]
    assert client.post(url, {"grid": NEXT_GRID}, format="json").status_code == 400
    done = client.post(url, {"grid": NEXT_GRID, "reason": "搬家"}, format="json")
    assert done.status_code == 200, done.json()
    assert (done.json()["home"], done.json()["jurisdiction"]) == (NEXT_GRID, NEXT_GRID)
