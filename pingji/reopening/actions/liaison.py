"""One policy per enterprise (一企一策), liaisons, problems handed to departments, targets."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core import clock
from pingji.core.access import ensure_allowed
from pingji.core.actions import record_on
from pingji.core.messages import message
from pingji.geo.choices import CODE_LENGTH, Level
from pingji.geo.models import Jurisdiction
from pingji.tasks.actions.rule_tasks import do_issue_rule_task
from pingji.tasks.models import Task

from ..contracts import PLANNED, PROBLEM_RAISED
from ..models import (
    Establishment,
    Plan,
    Problem,
    Target,
)
from .registry import _locked, _now


def do_save_plan(est: Establishment, *, actor, measures: str, liaison=None) -> Plan:
    """One policy per enterprise: the measures, and the liaison official named for it."""
    measures = (measures or "").strip()
    errors = {}
    if not measures:
        errors["measures"] = [_("Write the plan's measures.")]
    if liaison is not None and (
        not liaison.is_active or not est.jurisdiction_id.startswith(liaison.jurisdiction_id or "-")
    ):
        errors["liaison"] = [
            _("The liaison must work in a jurisdiction covering the establishment.")
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        est = _locked(est, actor)
        plan, _created = Plan.objects.update_or_create(
            establishment=est, defaults={"measures": measures, "updated_at": clock.now()}
        )
        est.key, est.liaison = True, liaison
        est.save(update_fields=["key", "liaison"])
        ensure_allowed(actor, plan, "change")
        record_on(
            est,
            PLANNED,
            message(gettext_noop("Plan for %(name)s"), {"name": est.name}),
            actor=actor,
            payload={"liaison": getattr(liaison, "username", "")},
        )
    return plan


def county_of(code: str) -> Jurisdiction:
    """The county owning an establishment's problems (the level with departments)."""
    return Jurisdiction.objects.get(code=code[: CODE_LENGTH[Level.COUNTY]])


def do_raise_problem(
    est: Establishment,
    *,
    actor,
    category: str,
    department: str,
    description: str,
    deadline: datetime.datetime,
    at=None,
) -> Problem:
    """A problem the establishment raised becomes a task of its county's department.

    The task carries the deadline; overdue, it escalates one level a period (decision 0005), and
    the problem is solved when the task is verified. ``at`` is when it was raised (default now):
    the problem, its deadline check and its event are dated by it.
    """
    at = _now(at)
    problem = _checked_problem(
        Problem(
            establishment=est,
            category=category,
            department=department,
            description=(description or "").strip(),
            raised_at=at,
            raised_by=actor if getattr(actor, "pk", None) else None,
        ),
        deadline,
    )
    with transaction.atomic():
        est = _locked(est, actor)
        problem.establishment = est
        problem.save()
        problem.task = _department_task(problem, actor=actor, deadline=_now(deadline))
        problem.save(update_fields=["task"])
        ensure_allowed(actor, problem, "add")
        record_on(
            est,
            PROBLEM_RAISED,
            message(gettext_noop("Problem raised by %(name)s"), {"name": est.name}),
            actor=actor,
            payload={"category": category, "department": department},
            at=at,
        )
    return problem


def _checked_problem(problem: Problem, deadline) -> Problem:
    """The unsaved problem, or every problem with it at once, by field.

    The deadline must come after the problem was raised: one before it would make the task
    overdue, and escalate it, the moment it is issued.
    """
    errors: dict[str, list] = {}
    try:
        problem.full_clean(exclude=["task"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if deadline is None:
        errors["deadline"] = [_("Give the deadline.")]
    elif _now(deadline) <= problem.raised_at:
        errors["deadline"] = [_("The deadline must come after the problem was raised.")]
    if errors:
        raise ValidationError(errors)
    return problem


def _department_task(problem: Problem, *, actor, deadline) -> Task:
    """The problem's work item: a rule task of the county's department that answers it.

    Owned by the county (where the departments sit) whatever the establishment's grid, and
    carrying the department, so supervision counts it under that department.
    """
    est = problem.establishment
    return do_issue_rule_task(
        problem,
        actor=actor,
        owner=county_of(est.jurisdiction_id),
        kind="reopening.problem",
        title=_("%(dept)s: %(name)s — %(category)s")
        % {
            "dept": problem.get_department_display(),
            "name": est.name,
            "category": problem.get_category_display(),
        },
        description=problem.description,
        deadline=deadline,
        department=problem.department,
    )


def do_set_target(
    *, actor, jurisdiction: Jurisdiction, kind: str, percent: int, by: datetime.date
) -> Target:
    """A resumption target the level sets for its area (a share of a kind working by a date)."""
    target = Target(jurisdiction=jurisdiction, kind=kind, percent=percent, by=by)
    target.full_clean(validate_unique=False)
    with transaction.atomic():
        target, _c = Target.objects.update_or_create(
            jurisdiction=jurisdiction, kind=kind, by=by, defaults={"percent": percent}
        )
        ensure_allowed(actor, target, "add")
    return target
