import datetime
from datetime import timedelta

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from pingji.tasks.choices import TaskKind
from pingji.tasks.models import (
    Directive,
    EvidenceFile,
    PlanTemplate,
    ProblemItem,
    ProblemList,
    Review,
    Task,
    WorkPlan,
)


class TaskFactory(factory.django.DjangoModelFactory[Task]):
    """A row as the actions would leave it, without going through them (set-up only)."""

    class Meta:
        model = Task

    kind = TaskKind.DOOR_CHECK
    title = factory.Sequence(lambda n: f"入户排查{n}")
    deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))


class DirectiveFactory(factory.django.DjangoModelFactory[Directive]):
    class Meta:
        model = Directive

    title = factory.Sequence(lambda n: f"指令{n}：落实国庆假期疫情防控")
    text = "各地要严格落实“四早”要求。"
    deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))


class ProblemListFactory(factory.django.DjangoModelFactory[ProblemList]):
    class Meta:
        model = ProblemList

    title = factory.Sequence(lambda n: f"问题清单{n}")
    inspection = "国务院联防联控机制工作组"
    inspected_on = datetime.date(2021, 9, 25)


def problem_item(owner, **fields) -> ProblemItem:
    task = TaskFactory.create(jurisdiction=owner, kind=TaskKind.RECTIFICATION)
    plist = fields.pop("problem_list", None) or ProblemListFactory.create(jurisdiction=owner)
    return ProblemItem.objects.create(
        problem_list=plist,
        number=fields.pop("number", ProblemItem.objects.filter(problem_list=plist).count() + 1),
        jurisdiction=owner,
        problem=fields.pop("problem", "隔离点管理不规范"),
        measures=fields.pop("measures", "全面排查隔离点"),
        deadline=task.deadline,
        task=task,
    )


SECTIONS = [
    {"key": "situation", "title": "形势研判", "required": True, "guidance": ""},
    {"key": "measures", "title": "防控措施", "required": True, "guidance": ""},
    {"key": "support", "title": "保障措施", "required": False, "guidance": ""},
]


class PlanTemplateFactory(factory.django.DjangoModelFactory[PlanTemplate]):
    class Meta:
        model = PlanTemplate

    title = "国庆假期疫情防控工作方案"
    level = "grid"
    sections = factory.LazyFunction(lambda: list(SECTIONS))
    due = factory.LazyFunction(lambda: timezone.now() + timedelta(days=2))


class WorkPlanFactory(factory.django.DjangoModelFactory[WorkPlan]):
    class Meta:
        model = WorkPlan

    template = factory.LazyAttribute(
        lambda o: PlanTemplateFactory.create(jurisdiction=o.jurisdiction)
    )
    sections = factory.LazyFunction(lambda: {"situation": "疫情输入风险高"})


class ReviewFactory(factory.django.DjangoModelFactory[Review]):
    class Meta:
        model = Review

    title = "莆田疫情总结反思"
    period_start = datetime.date(2021, 9, 10)
    period_end = datetime.date(2021, 10, 31)


def evidence_file(owner) -> EvidenceFile:
    task = TaskFactory.create(jurisdiction=owner)
    row = EvidenceFile(task=task, name="photo.jpg", content_type="image/jpeg", size=6)
    row.file.save("photo.jpg", ContentFile(b"\xff\xd8\xff\xe0ok"), save=False)
    row.save()
    return row


SCOPED_FACTORIES = {
    Task: lambda grid: TaskFactory.create(jurisdiction=grid),
    Directive: lambda grid: DirectiveFactory.create(jurisdiction=grid),
    ProblemList: lambda grid: ProblemListFactory.create(jurisdiction=grid),
    ProblemItem: problem_item,
    PlanTemplate: lambda grid: PlanTemplateFactory.create(jurisdiction=grid),
    WorkPlan: lambda grid: WorkPlanFactory.create(jurisdiction=grid),
    Review: lambda grid: ReviewFactory.create(jurisdiction=grid),
    EvidenceFile: evidence_file,
}
