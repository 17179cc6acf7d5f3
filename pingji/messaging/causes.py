"""Who is told what, for each cause: the drafts of the messages a domain's event calls for.

Each function reads the event's subject row and its payload, and returns ``outbox.Draft``s with
the template's fields filled, names masked (``core.personal_data.mask_name``, and any real
name that a free text such as a task's title carries replaced by its mask), and a cause that
names the domain fact (``dispatch:12``, ``release:7``), so the same fact told twice — an event
replayed, a handler run again — finds its messages already queued (decision 0032).
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from pingji.core.models import DomainEvent
from pingji.core.personal_data import mask_name
from pingji.users.choices import Role

from . import texts
from .actions.outbox import Draft
from .addresses import scrub

#: Accounts that are systems, not people: they read feeds and receive no messages.
NOT_PEOPLE = (Role.SERVICE,)


def when(at: datetime.datetime | None) -> str:
    """A time as a Chinese notice writes it, in Asia/Shanghai: ``2021年9月24日20:00``."""
    if at is None:
        return ""
    local = timezone.localtime(at, timezone.get_default_timezone())
    return f"{local.year}年{local.month}月{local.day}日{local:%H:%M}"


def day(on: datetime.date | None) -> str:
    return f"{on.year}年{on.month}月{on.day}日" if on else ""


def subject_of(event: DomainEvent):
    """The row an event is about (None when it is gone)."""
    if event.content_type is None or not event.object_id:
        return None
    model = event.content_type.model_class()
    if model is None:
        return None
    return model._default_manager.filter(pk=event.object_id).first()


def names_near(obj) -> list[str]:
    """Real names a row's free texts may carry: its person's, its placement's person's, the
    particulars of a reported contact; for a task, those of its source."""
    found = []
    for path in ("person", "placement.person", "reported", "source.person", "source.reported"):
        value = obj
        for step in path.split("."):
            value = getattr(value, step, None) if value is not None else None
        name = getattr(value, "name", "") if value is not None else ""
        if name:
            found.append(name)
    return found


def _accounts(code: str, *roles: str):
    """Active accounts of people (of jurisdiction ``code`` when given), of ``roles`` if any."""
    users = get_user_model().objects.filter(is_active=True).exclude(role__in=NOT_PEOPLE)
    if code:
        users = users.filter(jurisdiction_id=code)
    return users.filter(role__in=roles) if roles else users


def dispatch_received(event: DomainEvent) -> list[Draft]:
    """A dispatch (协查) sent to a county: its operators, who answer it.

    The operators are looked up first, in one query, so that the dispatches of a bulk write to
    a county nobody operates cost one query each and nothing more.
    """
    from pingji.tracing.models import Dispatch

    receiver = Dispatch.objects.filter(pk=event.object_id).values("jurisdiction_id")
    operators = list(
        _accounts("", Role.OPERATOR).filter(jurisdiction_id__in=receiver).order_by("pk")
    )
    dispatch = subject_of(event) if operators else None
    if dispatch is None:
        return []
    names = names_near(dispatch)
    person = mask_name(names[0]) if names else "协查对象"
    fields = {
        "sender": dispatch.sender.name,
        "person": person,
        "reason": scrub(dispatch.reason, *names)[:100] or "协查",
        "due_at": when(dispatch.due_at) or "尽快",
    }
    cause = f"dispatch:{dispatch.pk}"
    return [Draft(user, texts.DISPATCH_RECEIVED, fields, cause, dispatch) for user in operators]


def task_escalated(event: DomainEvent) -> list[Draft]:
    """An overdue task escalated a level up (挂牌督办): every account of its owner."""
    task = subject_of(event)
    if task is None:
        return []
    fields = {
        "title": scrub(task.title, *names_near(task))[:100],
        "deadline": when(task.deadline),
        "to": _name_of(event.payload.get("to", "")),
    }
    cause = f"task:{task.pk}:escalated:{event.payload.get('to', '')}"
    return [
        Draft(user, texts.TASK_ESCALATED, fields, cause, task)
        for user in _accounts(task.jurisdiction_id)
    ]


def _name_of(code: str) -> str:
    from pingji.geo.models import Jurisdiction

    row = Jurisdiction.objects.filter(code=code).only("name").first()
    return row.name if row is not None else code


def released(event: DomainEvent) -> list[Draft]:
    """A person released to home monitoring: the planned end and the test days at home."""
    from pingji.quarantine.choices import TestStatus
    from pingji.quarantine.models import ScheduledTest

    placement = subject_of(event)
    if placement is None or placement.person is None:
        return []
    tests = ScheduledTest.objects.filter(
        placement=placement, status=TestStatus.PENDING, home_day__isnull=False
    ).order_by("due_on")
    test_days = "、".join(f"{t.due_on.month}月{t.due_on.day}日" for t in tests) or "另行通知"
    fields = {
        "person": mask_name(placement.person.name),
        "released_on": day(timezone.localtime(event.time).date()),
        "planned_end_on": day(placement.planned_end_on),
        "test_days": test_days,
    }
    cause = f"release:{event.payload.get('release', event.pk)}"
    return [Draft(placement.person, texts.RELEASED, fields, cause, placement)]


def establishment_decided(event: DomainEvent) -> list[Draft]:
    """An establishment approved to resume, or paused: its liaison official, for it."""
    est = subject_of(event)
    if est is None:
        return []
    at = when(event.time)
    if event.kind.endswith("resumed"):
        key, fields = texts.RESUMED, {"clause": event.payload.get("clause") or "复工复产规定"}
    else:
        key, fields = texts.PAUSED, {"reason": event.payload.get("reason") or "疫情防控需要"}
    fields = {"establishment": est.name, "at": at, **fields}
    names = [*names_near(est), *_members(est)]
    fields = {k: scrub(str(v), *names)[:200] for k, v in fields.items()}
    cause = f"{event.kind}:{est.pk}:{event.time.isoformat()}"
    return [Draft(est, key, fields, cause, est)]


def _members(est) -> list[str]:
    """The names of an establishment's staff and pupils, which a pause's reason may name."""
    from pingji.reopening.models import Member

    return list(Member.objects.filter(establishment=est).values_list("person__name", flat=True))


def area_published(event: DomainEvent):
    """A change of a risk area in force: every resident of its extent with a phone (bulk)."""
    from pingji.testing.evidence import residents

    area = subject_of(event)
    if area is None:
        return
    payload = event.payload
    fields = {
        "area": area.name,
        "effective_at": when(event.time),
        "change": texts.CHANGE_WORDS.get(payload.get("kind", ""), "调整"),
        "level": texts.LEVEL_WORDS.get(payload.get("to_level", ""), payload.get("to_level", "")),
        "measures": (area.measures or "请关注属地通告").rstrip("。")[:200],
    }
    cause = f"transition:{payload.get('transition', event.pk)}"
    codes = list(area.jurisdictions.values_list("code", flat=True))
    places = list(area.places.values_list("pk", flat=True))
    people = residents(codes, places).exclude(phone_masked="")
    people = people.only("pk", "name", "phone_masked", "jurisdiction_id").order_by("pk")
    for person in people.iterator(chunk_size=2000):
        yield Draft(person, texts.AREA_PUBLISHED, fields, cause, area)


def test_due(test) -> Draft:
    """A reminder the day before a scheduled test at home."""
    person = test.placement.person
    fields = {"person": mask_name(person.name), "due_on": day(test.due_on)}
    return Draft(person, texts.TEST_DUE, fields, f"test:{test.pk}:{test.due_on}", test.placement)
