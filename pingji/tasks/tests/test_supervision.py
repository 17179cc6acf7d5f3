"""The supervision view: counts by owner one level down, overdue first, and the trend."""

from datetime import timedelta

from django.utils import timezone

from pingji.tasks.choices import TaskKind, TaskStatus
from pingji.tasks.supervision import supervise
from pingji.tasks.tests.factories import PlanTemplateFactory, TaskFactory


def test_supervision_groups_open_work_by_owner_overdue_first(tree):
    now = timezone.now()
    past = now - timedelta(days=1)
    TaskFactory(jurisdiction=tree["350322100001001"], kind=TaskKind.DIRECTIVE)
    TaskFactory(jurisdiction=tree["350322"], kind=TaskKind.RECTIFICATION, deadline=past)
    TaskFactory(jurisdiction=tree["350206"], kind=TaskKind.DIRECTIVE)
    TaskFactory(jurisdiction=tree["350206"], kind=TaskKind.DIRECTIVE, status=TaskStatus.DONE)
    TaskFactory(
        jurisdiction=tree["350206"],
        status=TaskStatus.DONE,
        created_at=now - timedelta(days=2),
        verified_at=now - timedelta(days=1),
    )
    view = supervise("35", now=timezone.now())
    assert (view.open, view.overdue) == (3, 1)
    assert [(o.code, o.open, o.overdue) for o in view.owners] == [("3503", 2, 1), ("3502", 1, 0)]
    assert view.owners[0].name == "莆田市"
    assert view.owners[0].by_kind == {TaskKind.DIRECTIVE: 1, TaskKind.RECTIFICATION: 1}
    assert [t.kind for t in view.overdue_items] == [TaskKind.RECTIFICATION]
    assert sum(d["opened"] for d in view.trend) == 5
    assert sum(d["closed"] for d in view.trend) == 1
    assert len(view.trend) == 14


def test_a_city_sees_only_its_subtree_and_its_plans(tree):
    TaskFactory(jurisdiction=tree["350206"])
    TaskFactory(jurisdiction=tree["350322"])
    PlanTemplateFactory(jurisdiction=tree["35"], level="county")
    view = supervise("3503")
    assert view.open == 1 and [o.code for o in view.owners] == ["350322"]
    assert [(p["asked"], p["submitted"], p["missing"]) for p in view.plans] == [(1, 0, 1)]
