"""Work plans: required sections, who has not submitted, measures becoming tasks."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pingji.tasks.actions.plans import do_create_plan_template, do_save_plan, do_submit_plan
from pingji.tasks.choices import PlanStatus, TaskKind
from pingji.tasks.models import PlanTemplate, Task, WorkPlan
from pingji.users.choices import Role


def later(days=5):
    return (timezone.now() + timedelta(days=days)).isoformat()


def test_the_level_above_sees_who_has_not_submitted_and_what_is_missing(tree, template, make_user):
    putian = make_user(Role.OPERATOR, "3503")
    do_save_plan(
        template,
        actor=putian,
        jurisdiction=tree["3503"],
        sections={"situation": "输入风险高"},
        measures=[],
    )
    rows = {r["jurisdiction"].code: r for r in template.submissions()}
    assert set(rows) == {"3502", "3503"}
    assert rows["3503"]["plan"] is not None and rows["3503"]["missing"] == ["防控措施"]
    assert rows["3502"]["plan"] is None and rows["3502"]["missing"] == ["形势研判", "防控措施"]
    assert not any(r["submitted"] for r in rows.values())


def test_submitting_turns_measures_into_tasks(tree, template, make_user):
    putian = make_user(Role.OPERATOR, "3503")
    plan = do_save_plan(
        template,
        actor=putian,
        jurisdiction=tree["3503"],
        sections={"situation": "输入风险高", "measures": "落实测温扫码"},
        measures=[
            {"title": "车站码头落地检", "owner": "350322", "deadline": later()},
            {"title": "冷链物流排查", "deadline": later(3)},
        ],
    )
    do_submit_plan(plan, actor=putian)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    tasks = plan.tasks().order_by("title")
    assert [(t.title, t.jurisdiction_id, t.kind) for t in tasks] == [
        ("冷链物流排查", "3503", TaskKind.PLAN_MEASURE),
        ("车站码头落地检", "350322", TaskKind.PLAN_MEASURE),
    ]
    assert {r["jurisdiction"].code: r["submitted"] for r in template.submissions()}["3503"]
    with pytest.raises(ValidationError):
        do_save_plan(template, actor=putian, jurisdiction=tree["3503"], sections={}, measures=[])


def test_a_plan_missing_a_required_section_is_not_submitted(tree, template, make_user):
    putian = make_user(Role.OPERATOR, "3503")
    plan = do_save_plan(
        template,
        actor=putian,
        jurisdiction=tree["3503"],
        sections={"situation": "输入风险高", "measures": "  "},
        measures=[{"title": "车站落地检", "deadline": later()}],
    )
    with pytest.raises(ValidationError) as exc:
        do_submit_plan(plan, actor=putian)
    assert "防控措施" in exc.value.message_dict["sections"][0]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT and not Task.objects.exists()


def test_bad_measures_and_sections_are_refused_each_by_number(tree, template, make_user):
    putian = make_user(Role.OPERATOR, "3503")
    with pytest.raises(ValidationError) as exc:
        do_save_plan(
            template,
            actor=putian,
            jurisdiction=tree["3503"],
            sections={"nonsense": "x"},
            measures=[
                {"title": "", "deadline": later()},
                {"title": "跨市", "owner": "350206", "deadline": later()},
                {"title": "过期", "deadline": "2020-01-01"},
                {"title": "乱写", "deadline": "tomorrow"},
            ],
        )
    errors = exc.value.message_dict
    assert "nonsense" in errors["sections"][0]
    assert [m.split(":")[0] for m in errors["measures"]] == [
        "Measure 1",
        "Measure 2",
        "Measure 3",
        "Measure 4",
    ]
    assert not WorkPlan.objects.exists()


def test_a_plan_for_another_city_or_level_is_refused(tree, template, make_user):
    putian = make_user(Role.OPERATOR, "3503")
    with pytest.raises(PermissionDenied):
        do_save_plan(template, actor=putian, jurisdiction=tree["3502"], sections={}, measures=[])
    with pytest.raises(ValidationError) as exc:
        do_save_plan(template, actor=putian, jurisdiction=tree["350322"], sections={}, measures=[])
    assert "jurisdiction" in exc.value.message_dict


def test_a_template_needs_sections_a_lower_level_and_a_future_due(province_cmd):
    with pytest.raises(ValidationError) as exc:
        do_create_plan_template(
            actor=province_cmd,
            title="",
            level="province",
            sections=[{"key": "a", "title": "A"}, {"key": "a", "title": "B"}, {"title": ""}],
            due=timezone.now() - timedelta(days=1),
        )
    assert set(exc.value.message_dict) == {"title", "level", "due", "sections"}
    assert len(exc.value.message_dict["sections"]) == 2
    assert not PlanTemplate.objects.exists()
