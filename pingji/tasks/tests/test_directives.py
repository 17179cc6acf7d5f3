"""Directives: one task per receiver, all or nothing, and the issuing level's view of progress."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pingji.command.tests.factories import MeetingFactory
from pingji.core.models import DomainEvent
from pingji.tasks.actions.directives import do_issue_directive
from pingji.tasks.actions.work import do_submit_evidence, do_verify_task
from pingji.tasks.choices import TaskKind, TaskStatus
from pingji.tasks.models import Directive, Task
from pingji.users.choices import Role


@pytest.fixture
def putian_cmd(make_user):
    return make_user(Role.COMMANDER, "3503")


def issue(actor, tree, receivers=("3503", "3502"), **fields):
    fields.setdefault("title", "严格落实国庆假期疫情防控措施")
    fields.setdefault("text", "各市要压实属地责任，落实“四早”要求。")
    fields.setdefault("deadline", timezone.now() + timedelta(days=5))
    return do_issue_directive(actor=actor, receivers=[tree[c] for c in receivers], **fields)


def test_a_directive_becomes_one_task_per_receiver(tree, province_cmd):
    meeting = MeetingFactory(jurisdiction=tree["35"])
    directive = issue(province_cmd, tree, meeting=meeting)
    tasks = directive.tasks().order_by("jurisdiction_id")
    assert [t.jurisdiction_id for t in tasks] == ["3502", "3503"]
    assert {t.kind for t in tasks} == {TaskKind.DIRECTIVE}
    assert all(t.deadline == directive.deadline for t in tasks)
    assert directive.jurisdiction_id == "35" and directive.meeting == meeting
    assert DomainEvent.objects.filter(kind="tasks.directive_issued").count() == 1


def test_progress_shows_each_receiver_overdue_first(tree, province_cmd, make_user):
    directive = issue(province_cmd, tree)
    xiamen_task = directive.tasks().get(jurisdiction_id="3502")
    Task.objects.filter(pk=xiamen_task.pk).update(deadline=timezone.now() - timedelta(hours=1))
    putian_task = directive.tasks().get(jurisdiction_id="3503")
    putian_op = make_user(Role.OPERATOR, "3503")
    do_submit_evidence(putian_task, actor=putian_op, evidence="已印发通知")
    do_verify_task(putian_task, actor=province_cmd)
    rows = directive.progress()
    assert [r["jurisdiction_id"] for r in rows] == ["3502", "3503"]
    assert rows[0]["overdue"] == 1 and rows[0]["done"] == 0
    assert rows[1]["done"] == 1 and rows[1]["open"] == 0


def test_a_receiver_outside_the_issuer_is_refused_and_nothing_is_written(tree, putian_cmd):
    with pytest.raises(ValidationError) as exc:
        issue(putian_cmd, tree, receivers=("350322", "3502"))
    assert "厦门市 is not under 莆田市" in " ".join(exc.value.message_dict["receivers"])
    assert not Directive.objects.exists() and not Task.objects.exists()


def test_a_past_deadline_and_empty_fields_are_refused(tree, province_cmd):
    with pytest.raises(ValidationError) as exc:
        issue(
            province_cmd,
            tree,
            receivers=(),
            title=" ",
            text="",
            deadline=timezone.now() - timedelta(days=1),
        )
    assert set(exc.value.message_dict) == {"title", "text", "deadline", "receivers"}
    assert not Directive.objects.exists()


def test_a_meeting_of_another_jurisdiction_cannot_carry_the_directive(tree, putian_cmd):
    elsewhere = MeetingFactory(jurisdiction=tree["3502"])
    with pytest.raises(PermissionDenied):
        issue(putian_cmd, tree, receivers=("350322",), meeting=elsewhere)
    assert not Directive.objects.exists()


def test_an_operator_cannot_issue_directives(tree, make_user):
    with pytest.raises(PermissionDenied):
        issue(make_user(Role.OPERATOR, "35"), tree)
    assert not Task.objects.exists()


def test_directive_tasks_are_done_like_any_task(tree, province_cmd, make_user):
    directive = issue(province_cmd, tree, receivers=("3503",))
    task = directive.tasks().get()
    do_submit_evidence(task, actor=make_user(Role.OPERATOR, "3503"), evidence="已部署")
    do_verify_task(task, actor=province_cmd)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
