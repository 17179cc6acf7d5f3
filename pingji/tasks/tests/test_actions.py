"""The task lifecycle and its chain of command, through the actions."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pingji.core.models import DomainEvent
from pingji.geo.tests.factories import PlaceFactory
from pingji.tasks import evidence
from pingji.tasks.actions.rule_tasks import do_issue_rule_task
from pingji.tasks.actions.work import (
    Refused,
    do_cancel_task,
    do_return_task,
    do_submit_evidence,
    do_verify_task,
    resolve_source,
)
from pingji.tasks.choices import TaskStatus
from pingji.tasks.kinds import kind_choices, register_kind
from pingji.tasks.models import Task
from pingji.users.choices import Role

from .conftest import COMMUNITY, COUNTY, GRID, GRID2


def kinds_of(task):
    return [e.kind for e in task.timeline()]


def photo(name="door.jpg", size=100):
    return SimpleUploadedFile(name, b"\xff\xd8" + b"0" * size, content_type="image/jpeg")


def test_a_task_goes_from_issue_to_verified_with_a_timeline(county_cmd, grid_worker, issue):
    # given a door check the county gives to a grid worker
    task = issue(county_cmd, GRID, assignee=grid_worker)
    assert task.status == TaskStatus.OPEN and task.created_by == county_cmd
    # when the worker reports with a photo and the county verifies
    task = do_submit_evidence(task, actor=grid_worker, evidence="已上门，3人在家", file=photo())
    assert task.status == TaskStatus.SUBMITTED and task.submitted_by == grid_worker
    assert task.evidence_file.name.startswith("evidence/")
    task = do_verify_task(task, actor=county_cmd, note="属实")
    # then it is closed, signed by the county, and every step is on its timeline
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert task.verified_by == county_cmd and task.verification_note == "属实"
    assert kinds_of(task) == ["tasks.created", "tasks.submitted", "tasks.verified"]
    assert all(e.jurisdiction_code == GRID for e in task.timeline())


def test_sent_back_work_is_resubmitted_and_keeps_its_file(county_cmd, grid_worker, issue):
    task = issue(county_cmd, GRID, assignee=grid_worker)
    task = do_submit_evidence(task, actor=grid_worker, evidence="done", file=photo())
    first_file = task.evidence_file.name
    task = do_return_task(task, actor=county_cmd, note="缺少签字照片")
    assert task.status == TaskStatus.RETURNED and task.verification_note == "缺少签字照片"
    task = do_submit_evidence(task, actor=grid_worker, evidence="补充签字")
    assert task.status == TaskStatus.SUBMITTED and task.evidence == "补充签字"
    assert task.evidence_file.name == first_file
    assert kinds_of(task)[-2:] == ["tasks.returned", "tasks.submitted"]


@pytest.mark.parametrize(
    ("role", "actor_code", "owner"),
    [
        (Role.OPERATOR, COMMUNITY, COUNTY),  # upward
        (Role.OPERATOR, GRID, GRID2),  # sideways, same community
        (Role.COMMANDER, COUNTY, "350206"),  # sideways, another city
    ],
    ids=["upward", "sideways-sibling", "sideways-other-city"],
)
def test_work_never_goes_up_or_sideways(make_user, issue, role, actor_code, owner):
    actor = make_user(role, actor_code)
    with pytest.raises(PermissionDenied):
        issue(actor, owner)
    assert not Task.objects.exists()
    assert not DomainEvent.objects.filter(kind__startswith="tasks.").exists()


def test_a_level_may_assign_work_to_itself(county_cmd, issue):
    assert issue(county_cmd, COUNTY).jurisdiction_id == COUNTY


def test_a_role_that_cannot_create_is_refused(grid_worker, issue):
    with pytest.raises(PermissionDenied):
        issue(grid_worker, GRID)
    assert not Task.objects.exists()


def test_the_assignee_works_in_the_owner_subtree_and_can_work_tasks(county_cmd, make_user, issue):
    other_grid = make_user(Role.GRID_WORKER, GRID2)
    auditor = make_user(Role.AUDITOR, GRID)
    with pytest.raises(ValidationError) as outside:
        issue(county_cmd, GRID, assignee=other_grid)
    with pytest.raises(ValidationError) as no_role:
        issue(county_cmd, GRID, assignee=auditor)
    assert "does not work in" in outside.value.message_dict["assignee"][0]
    assert "cannot work on tasks" in no_role.value.message_dict["assignee"][0]
    assert not Task.objects.exists()


def test_bad_input_names_every_field_and_saves_nothing(county_cmd, issue):
    past = timezone.now() - timedelta(minutes=1)
    with pytest.raises(ValidationError) as exc:
        issue(county_cmd, GRID, title="   ", deadline=past, kind="no-such-kind")
    errors = exc.value.message_dict
    assert set(errors) >= {"title", "deadline", "kind"}
    assert "future" in errors["deadline"][0]
    assert not Task.objects.exists() and not DomainEvent.objects.exists()


def test_an_assignee_below_the_owner_sees_the_task(county_cmd, grid_worker, make_user, issue):
    # given a county-owned task given to one grid worker
    task = issue(county_cmd, COUNTY, assignee=grid_worker)
    colleague = make_user(Role.GRID_WORKER, GRID, username="colleague")
    # then the worker sees it (and it counts within the grid), a colleague of the grid does not
    assert Task.objects.restrict(grid_worker).filter(pk=task.pk).exists()
    assert not Task.objects.restrict(colleague).filter(pk=task.pk).exists()
    assert Task.objects.within(GRID).filter(pk=task.pk).exists()
    assert do_submit_evidence(task, actor=grid_worker, evidence="ok").status == "submitted"


class TestWhoVerifies:
    @pytest.fixture
    def submitted(self, county_cmd, community_op, issue):
        task = issue(county_cmd, COMMUNITY)
        return do_submit_evidence(task, actor=community_op, evidence="已完成")

    def test_the_owner_cannot_sign_off_its_own_work(self, submitted, make_user):
        other_op = make_user(Role.OPERATOR, COMMUNITY, username="other-op")
        with pytest.raises(Refused, match="not its owner"):
            do_verify_task(submitted, actor=other_op)
        with pytest.raises(Refused):
            do_return_task(submitted, actor=other_op, note="x")
        submitted.refresh_from_db()
        assert submitted.status == TaskStatus.SUBMITTED

    def test_a_worker_role_cannot_verify_even_from_above(self, submitted, make_user):
        with pytest.raises(PermissionDenied):
            do_verify_task(submitted, actor=make_user(Role.GRID_WORKER, COUNTY))

    def test_any_level_above_verifies(self, submitted, make_user):
        city = make_user(Role.COMMANDER, "3503")
        assert do_verify_task(submitted, actor=city).status == TaskStatus.DONE

    def test_outside_the_area_is_not_found(self, submitted, outsider):
        with pytest.raises(PermissionDenied) as exc:
            do_verify_task(submitted, actor=outsider)
        assert not isinstance(exc.value, Refused)

    def test_the_creator_verifies_work_at_its_own_level_but_not_its_own_evidence(
        self, county_cmd, make_user, issue
    ):
        county_op = make_user(Role.OPERATOR, COUNTY)
        task = issue(county_cmd, COUNTY)
        task = do_submit_evidence(task, actor=county_op, evidence="done")
        with pytest.raises(Refused):
            do_verify_task(task, actor=county_op)  # same level, not the creator
        assert do_verify_task(task, actor=county_cmd).status == TaskStatus.DONE
        own = do_submit_evidence(issue(county_cmd, COUNTY), actor=county_cmd, evidence="self")
        with pytest.raises(Refused, match="someone else"):
            do_verify_task(own, actor=county_cmd)


def test_steps_follow_the_status(county_cmd, grid_worker, issue):
    task = issue(county_cmd, GRID, assignee=grid_worker)
    with pytest.raises(ValidationError) as early:
        do_verify_task(task, actor=county_cmd)
    assert "status" in early.value.message_dict
    task = do_verify_task(
        do_submit_evidence(task, actor=grid_worker, evidence="ok"), actor=county_cmd
    )
    with pytest.raises(ValidationError):
        do_submit_evidence(task, actor=grid_worker, evidence="again")
    with pytest.raises(ValidationError):
        do_cancel_task(task, actor=county_cmd, note="late")


def test_returning_or_cancelling_needs_a_reason(county_cmd, grid_worker, issue):
    task = issue(county_cmd, GRID, assignee=grid_worker)
    with pytest.raises(ValidationError) as exc:
        do_cancel_task(task, actor=county_cmd, note="  ")
    assert "note" in exc.value.message_dict
    with pytest.raises(Refused):
        do_cancel_task(task, actor=grid_worker, note="不想做")
    task = do_submit_evidence(task, actor=grid_worker, evidence="ok")
    with pytest.raises(ValidationError) as exc:
        do_return_task(task, actor=county_cmd, note="")
    assert "note" in exc.value.message_dict
    task = do_cancel_task(task, actor=county_cmd, note="重复下发")
    assert task.status == TaskStatus.CANCELLED
    assert kinds_of(task)[-1] == "tasks.cancelled"


class TestEvidence:
    def test_evidence_text_is_required(self, county_cmd, grid_worker, issue):
        task = issue(county_cmd, GRID, assignee=grid_worker)
        with pytest.raises(ValidationError) as exc:
            do_submit_evidence(task, actor=grid_worker, evidence=" \n ")
        assert "evidence" in exc.value.message_dict

    def test_a_file_that_could_run_in_a_browser_is_refused_and_not_stored(
        self, county_cmd, grid_worker, issue, settings
    ):
        task = issue(county_cmd, GRID, assignee=grid_worker)
        bad = SimpleUploadedFile("x.html", b"<script>alert(1)</script>", content_type="text/html")
        with pytest.raises(ValidationError) as exc:
            do_submit_evidence(task, actor=grid_worker, evidence="see file", file=bad)
        assert "x.html" in exc.value.message_dict["file"][0]
        task.refresh_from_db()
        assert task.status == TaskStatus.OPEN and not task.evidence_file
        assert not (settings.MEDIA_ROOT / "evidence").exists() or not any(
            p.name.startswith("x") for p in (settings.MEDIA_ROOT / "evidence").rglob("*")
        )

    def test_an_oversized_file_is_refused(self, county_cmd, grid_worker, issue, monkeypatch):
        monkeypatch.setattr(evidence, "MAX_EVIDENCE_BYTES", 50)
        task = issue(county_cmd, GRID, assignee=grid_worker)
        with pytest.raises(ValidationError, match="larger than"):
            do_submit_evidence(task, actor=grid_worker, evidence="x", file=photo(size=100))

    def test_only_the_owner_or_assignee_submits(self, county_cmd, grid_worker, make_user, issue):
        task = issue(county_cmd, GRID, assignee=grid_worker)
        with pytest.raises(Refused):
            do_submit_evidence(task, actor=county_cmd, evidence="I did it")
        colleague = make_user(Role.GRID_WORKER, GRID, username="colleague")
        assert do_submit_evidence(task, actor=colleague, evidence="ok").submitted_by == colleague


class TestSource:
    def test_a_domain_attaches_a_task_to_its_object(self, tree, county_cmd, issue):
        place = PlaceFactory(jurisdiction=tree[GRID])
        task = issue(county_cmd, GRID, source=place)
        assert task.source == place
        assert list(Task.objects.for_source(place)) == [task]
        assert resolve_source("geo.place", str(place.pk)) == place

    def test_a_source_outside_the_area_is_as_if_absent(self, tree, county_cmd, issue):
        elsewhere = PlaceFactory(jurisdiction=tree["350206001001001"])
        with pytest.raises(ValidationError) as exc:
            issue(county_cmd, GRID, source=elsewhere)
        assert "not found" in exc.value.message_dict["source"][0]
        with pytest.raises(ValidationError):
            resolve_source("no.such", "1")
        assert not Task.objects.exists()

    def test_a_rule_task_carries_a_department_and_refuses_an_unknown_one(self, tree, county_cmd):
        place = PlaceFactory(jurisdiction=tree[GRID])
        rule = {"actor": county_cmd, "owner": tree[COUNTY], "kind": "general", "title": "整改"}
        deadline = timezone.now() + timedelta(days=1)
        task = do_issue_rule_task(place, deadline=deadline, department="health", **rule)
        assert task.department == "health"
        with pytest.raises(ValueError, match="unknown department"):
            do_issue_rule_task(place, deadline=deadline, department="army", **rule)
        assert list(Task.objects.for_source(place)) == [task]


def test_domains_register_their_own_kinds():
    register_kind("testing.swab-visit", "swab visit")
    assert ("testing.swab-visit", "swab visit") in kind_choices()
    with pytest.raises(ValueError):
        register_kind("Bad Kind!", "x")
    with pytest.raises(ValueError):
        register_kind("x" * 31, "too long")
