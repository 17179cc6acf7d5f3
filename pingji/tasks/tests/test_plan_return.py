"""A submitted work plan is sent back for revision by the level that asked for it."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from pingji.core.events import events_for
from pingji.tasks.actions.plans import do_return_plan, do_save_plan, do_submit_plan
from pingji.tasks.choices import PlanStatus
from pingji.tasks.models import WorkPlan
from pingji.tasks.supervision import supervise
from pingji.users.choices import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def putian(make_user):
    """The operator of 莆田市, who writes and submits the city's plan."""
    return make_user(Role.OPERATOR, "3503")


def later(days=5):
    return (timezone.now() + timedelta(days=days)).isoformat()


def write(template, tree, putian, measures=("车站码头落地检",)):
    return do_save_plan(
        template,
        actor=putian,
        jurisdiction=tree["3503"],
        sections={"situation": "输入风险高", "measures": "落实测温扫码"},
        measures=[{"title": t, "deadline": later()} for t in measures],
    )


@pytest.fixture
def submitted(template, tree, putian):
    return do_submit_plan(write(template, tree, putian), actor=putian)


def test_the_reviewer_sends_a_plan_back_and_the_submitter_revises_and_resubmits(
    submitted, template, tree, province_cmd, putian
):
    [measure] = submitted.tasks()
    # When the province sends 莆田's plan back
    plan = do_return_plan(submitted, actor=province_cmd, reason="缺少冷链物流防控措施")
    # Then it is a draft again with the reason, its measure task withdrawn, the history saying so
    plan.refresh_from_db()
    assert (plan.status, plan.returned_reason, plan.returned_by) == (
        PlanStatus.RETURNED,
        "缺少冷链物流防控措施",
        province_cmd,
    )
    measure.refresh_from_db()
    assert measure.status == "cancelled" and "缺少冷链物流防控措施" in measure.verification_note
    returned = events_for(plan).get(kind="tasks.plan_returned")
    assert (returned.actor, returned.payload["reason"]) == (province_cmd, "缺少冷链物流防控措施")
    # And it counts as not yet done wherever submissions are counted
    assert not {r["jurisdiction"].code: r["submitted"] for r in template.submissions()}["3503"]
    [row] = [p for p in supervise("35").plans if p["template"] == template]
    assert (row["submitted"], row["missing"]) == (0, 2)
    # When 莆田 revises and submits again, the revised measures become the tasks
    write(template, tree, putian, measures=("车站码头落地检", "冷链物流排查"))
    do_submit_plan(plan, actor=putian)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    assert sorted(plan.tasks().filter(status="open").values_list("title", flat=True)) == [
        "冷链物流排查",
        "车站码头落地检",
    ]
    kinds = [e.kind for e in events_for(plan).order_by("time", "id")]
    assert kinds == ["tasks.plan_submitted", "tasks.plan_returned", "tasks.plan_submitted"]


def test_a_measure_already_done_is_not_issued_again_on_resubmission(
    template, tree, putian, province_cmd
):
    # Given a plan of two measures, one of them verified done before the plan was sent back
    plan = do_submit_plan(
        write(template, tree, putian, ("车站码头落地检", "冷链物流排查")), actor=putian
    )
    plan.tasks().filter(title="车站码头落地检").update(status="done")
    do_return_plan(plan, actor=province_cmd, reason="补充冷链措施")
    # When the revised plan, still listing it, is submitted again
    write(template, tree, putian, measures=("车站码头落地检", "冷链物流排查", "进口货物消杀"))
    do_submit_plan(WorkPlan.objects.get(pk=plan.pk), actor=putian)
    # Then only the unfinished and the new measures become work
    assert sorted(plan.tasks().filter(status="open").values_list("title", flat=True)) == [
        "冷链物流排查",
        "进口货物消杀",
    ]
    assert plan.tasks().filter(title="车站码头落地检").count() == 1


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_an_empty_reason_is_refused(submitted, province_cmd, reason):
    with pytest.raises(ValidationError) as exc:
        do_return_plan(submitted, actor=province_cmd, reason=reason)
    assert exc.value.message_dict["reason"] == ["Say what the plan must revise."]
    assert_unreturned(submitted)


def assert_unreturned(plan):
    fresh = WorkPlan.objects.get(pk=plan.pk)
    assert (fresh.status, fresh.returned_reason) == (PlanStatus.SUBMITTED, "")
    assert not fresh.tasks().exclude(status="open").exists()
    assert not events_for(fresh).filter(kind="tasks.plan_returned").exists()


def test_a_plan_not_submitted_is_not_sent_back(template, tree, putian, province_cmd):
    draft = write(template, tree, putian)
    with pytest.raises(ValidationError) as exc:
        do_return_plan(draft, actor=province_cmd, reason="重写")
    assert "Only a submitted plan is sent back" in exc.value.message_dict["status"][0]
    assert WorkPlan.objects.get(pk=draft.pk).status == PlanStatus.DRAFT


def test_a_returned_plan_is_not_sent_back_twice(submitted, province_cmd):
    do_return_plan(submitted, actor=province_cmd, reason="补充保障措施")
    with pytest.raises(ValidationError):
        do_return_plan(submitted, actor=province_cmd, reason="again")
    assert events_for(submitted).filter(kind="tasks.plan_returned").count() == 1


def test_only_the_asking_level_with_the_permission_sends_back(submitted, putian, make_user):
    xiamen_cmd = make_user(Role.COMMANDER, "3502")  # another city: the plan is not in its area
    putian_cmd = make_user(Role.COMMANDER, "3503")  # the plan's own level never reviews itself
    province_op = make_user(Role.OPERATOR, "35")  # sees the plan, lacks the permission
    for actor in (xiamen_cmd, putian_cmd, province_op, putian):
        with pytest.raises(PermissionDenied):
            do_return_plan(submitted, actor=actor, reason="重写")
    assert_unreturned(submitted)


def test_sending_back_through_the_pages(client, submitted, province_cmd, putian, make_user):
    url = reverse("tasks:workplan_return", args=[submitted.pk])
    client.force_login(putian)
    assert b'id="return-plan"' not in client.get(submitted.get_absolute_url()).content
    assert client.post(url, {"return-note": "重写"}).status_code == 404
    client.force_login(make_user(Role.COMMANDER, "3502"))
    assert client.post(url, {"return-note": "重写"}).status_code == 404
    client.force_login(province_cmd)
    assert b'id="return-plan"' in client.get(submitted.get_absolute_url()).content
    empty = client.post(url, {"return-note": "  "})
    assert empty.status_code == 400 and b"This field is required" in empty.content
    assert client.post(url, {"return-note": "缺少冷链物流防控措施"}).status_code == 302
    page = client.get(submitted.get_absolute_url()).content.decode()
    assert 'id="returned"' in page and "缺少冷链物流防控措施" in page
    assert 'id="return-plan"' not in page
    # the submitter sees the reason where they edit the plan, and may edit it again
    client.force_login(putian)
    edit = client.get(reverse("tasks:workplan_edit", args=[submitted.template_id, "3503"]))
    assert "缺少冷链物流防控措施" in edit.content.decode() and b'id="plan-form"' in edit.content
    listing = client.get(submitted.template.get_absolute_url()).content.decode()
    assert "sent back for revision" in listing


def test_sending_back_through_the_api(api, submitted, province_cmd, putian):
    url = f"/api/tasks/work-plans/{submitted.pk}/return/"
    assert api(putian).post(url, {"reason": "x"}, format="json").status_code == 403
    client = api(province_cmd)
    assert client.post(url, {"reason": ""}, format="json").status_code == 400
    assert client.post(url, {}, format="json").status_code == 400
    done = client.post(url, {"reason": "补充保障措施"}, format="json")
    assert done.status_code == 200, done.json()
    assert (done.json()["status"], done.json()["returned_reason"]) == ("returned", "补充保障措施")
    again = client.post(url, {"reason": "补充保障措施"}, format="json")
    assert again.status_code == 409 and "status" in again.json()
