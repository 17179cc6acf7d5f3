"""Work plans: the template a level sets, each jurisdiction's draft, its submission and return."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core import clock
from pingji.core.access import ensure_allowed, scope_code
from pingji.core.actions import Conflict, aware, record_on
from pingji.core.messages import message
from pingji.geo.choices import LEVEL_ORDER
from pingji.geo.models import Jurisdiction

from ..choices import OPEN_STATUSES, PlanStatus, TaskKind, TaskStatus
from ..contracts import PLAN_REQUESTED, PLAN_RETURNED, PLAN_SUBMITTED
from ..models import PlanTemplate, WorkPlan
from .issuing import below_error, future_error, issuer_of, require
from .work import do_cancel_task, do_create_task


def _section_errors(sections) -> list[str]:
    if not isinstance(sections, list) or not sections:
        return [_("Give the template at least one section.")]
    errors, keys = [], set()
    for n, section in enumerate(sections, start=1):
        if not isinstance(section, dict) or not str(section.get("title", "")).strip():
            errors.append(_("Section %(n)d has no title.") % {"n": n})
            continue
        key = str(section.get("key", "")).strip()
        if not key:
            errors.append(_("Section %(n)d has no key.") % {"n": n})
        elif key in keys:
            errors.append(_("Two sections share the key “%(key)s”.") % {"key": key})
        keys.add(key)
    return errors


def do_create_plan_template(
    *,
    actor,
    title: str,
    level: str,
    sections: list[dict],
    due,
    description: str = "",
    jurisdiction=None,
    now=None,
) -> PlanTemplate:
    """Ask every jurisdiction of ``level`` below the issuing one for a plan by ``due``.

    ``sections`` lists ``{"key", "title", "required", "guidance"}``; a required section must be
    filled before a plan is submitted.
    """
    now = now or clock.now()
    require(actor, "tasks.add_plantemplate", _("Your role does not issue plan templates."))
    issuer = issuer_of(actor, jurisdiction)
    _check_template(issuer, title=title, level=level, sections=sections, due=due, now=now)
    with transaction.atomic():
        template = PlanTemplate.objects.create(
            jurisdiction=issuer,
            title=title.strip(),
            description=(description or "").strip(),
            level=level,
            sections=_clean_sections(sections),
            due=aware(due),
            created_by=actor,
            created_at=now,
        )
        ensure_allowed(actor, template, "add")
        record_on(
            template,
            PLAN_REQUESTED,
            message(gettext_noop("Plans requested: %(title)s"), {"title": template.title}),
            actor=actor,
            payload={"level": level, "due": template.due.isoformat()},
            at=now,
            jurisdiction_code=issuer.code,
        )
    return template


def _check_template(issuer: Jurisdiction, *, title, level, sections, due, now) -> None:
    """Refuse a template with every problem at once, by field: a missing title, a level that is
    not below the issuer (plans are asked downward), a past due date, a bad section."""
    errors: dict[str, list[str]] = {}
    if not (title or "").strip():
        errors["title"] = [_("Give the template a title.")]
    below = LEVEL_ORDER[LEVEL_ORDER.index(issuer.level) + 1 :]
    if level not in below:
        errors["level"] = [_("Plans are asked of a level below the issuing one.")]
    message = future_error(due, now)
    if message:
        errors["due"] = [message]
    section_errors = _section_errors(sections)
    if section_errors:
        errors["sections"] = section_errors
    if errors:
        raise ValidationError(errors)


def _clean_sections(sections: list[dict]) -> list[dict]:
    """The sections as stored: the four known keys, trimmed, and nothing else a client sent."""
    return [
        {
            "key": str(s["key"]).strip(),
            "title": str(s["title"]).strip(),
            "required": bool(s.get("required")),
            "guidance": str(s.get("guidance", "")).strip(),
        }
        for s in sections
    ]


def _when(value):
    if isinstance(value, datetime.datetime):
        return aware(value)
    if isinstance(value, datetime.date):
        return aware(datetime.datetime.combine(value, datetime.time(18, 0)))
    text = str(value or "").strip()
    parsed = parse_datetime(text) if text else None
    if parsed is None and text:
        try:
            parsed = datetime.datetime.combine(datetime.date.fromisoformat(text), datetime.time(18))
        except ValueError:
            return None
    return aware(parsed)


def _measure_errors(plan_place: Jurisdiction, measures, now) -> tuple[list[dict], list[str]]:
    """Measures as stored (owner code, ISO deadline) and the problems of each, by number."""
    clean, errors = [], []
    if not isinstance(measures, list):
        return [], [_("Measures must be a list.")]
    for n, m in enumerate(measures, start=1):
        m = m if isinstance(m, dict) else {}
        title = str(m.get("title", "")).strip()
        code = str(m.get("owner", "") or plan_place.code).strip()
        owner = Jurisdiction.objects.defer("boundary").filter(code=code).first()
        when = _when(m.get("deadline"))
        problems = []
        if not title:
            problems.append(_("say what is to be done"))
        message = (
            below_error(plan_place, owner)
            if owner
            else _("no jurisdiction %(code)s") % {"code": code[:20]}
        )
        if message:
            problems.append(message)
        if when is None:
            problems.append(_("give a deadline (YYYY-MM-DD)"))
        elif when <= now:
            problems.append(_("the deadline must be in the future"))
        if problems or owner is None:
            errors.append(
                _("Measure %(n)d: %(problems)s") % {"n": n, "problems": "; ".join(problems)}
            )
        else:
            clean.append({"title": title[:200], "owner": owner.code, "deadline": when.isoformat()})
    return clean, errors


def do_save_plan(
    template: PlanTemplate, *, actor, jurisdiction, sections: dict, measures: list, now=None
) -> WorkPlan:
    """Write (or rewrite) a jurisdiction's draft plan; a submitted plan is no longer edited."""
    now = now or clock.now()
    require(actor, "tasks.add_workplan", _("Your role does not write work plans."))
    if not PlanTemplate.objects.restrict(actor).filter(pk=template.pk).exists():
        raise PermissionDenied(_("This template is outside your area."))
    own = scope_code(actor)
    if own is None or not jurisdiction.code.startswith(own):
        raise PermissionDenied(_("This jurisdiction is outside your area."))
    errors: dict[str, list[str]] = {}
    if jurisdiction.level != template.level or not jurisdiction.code.startswith(
        template.jurisdiction_id
    ):
        errors["jurisdiction"] = [
            _("This template asks a plan of every %(level)s in %(issuer)s.")
            % {"level": template.level, "issuer": template.jurisdiction.name}
        ]
    known = {s["key"] for s in template.sections}
    sections = sections if isinstance(sections, dict) else {}
    unknown = sorted(set(sections) - known)
    if unknown:
        errors["sections"] = [
            _("The template has no section %(keys)s.") % {"keys": ", ".join(unknown)}
        ]
    clean, measure_errors = _measure_errors(jurisdiction, measures, now)
    if measure_errors:
        errors["measures"] = measure_errors
    existing = WorkPlan.objects.filter(template=template, jurisdiction=jurisdiction).first()
    if existing is not None and existing.status == PlanStatus.SUBMITTED:
        raise Conflict({"status": [_("This plan was submitted; it is no longer edited.")]})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        plan = existing or WorkPlan(template=template, jurisdiction=jurisdiction)
        plan.sections = {k: str(v).strip() for k, v in sections.items()}
        plan.measures, plan.updated_at = clean, now
        plan.save()
        ensure_allowed(actor, plan, "change" if existing else "add")
    return plan


def do_submit_plan(plan: WorkPlan, *, actor, now=None) -> WorkPlan:
    """Submit a plan to the level above; each measure becomes a task (kind ``plan-measure``).

    A plan sent back and submitted again issues only the measures not already verified done
    under an earlier submission (same title, same owner): finished work is not ordered twice.
    Refused while a required section is empty (the message names them) or when the plan has no
    measure: a plan with nothing to do is not a plan.
    """
    now = now or clock.now()
    with transaction.atomic():
        locked = (
            WorkPlan.objects.restrict(actor, "change")
            .select_for_update()
            .filter(pk=plan.pk)
            .first()
        )
        if locked is None:
            raise PermissionDenied(_("This plan is outside your area."))
        plan = locked
        if plan.status == PlanStatus.SUBMITTED:
            raise Conflict({"status": _("This plan is already submitted.")})
        errors = {}
        missing = plan.missing_sections()
        if missing:
            errors["sections"] = _("Fill in the required sections: %(names)s.") % {
                "names": ", ".join(plan.template.section_title(k) for k in missing)
            }
        if not plan.measures:
            errors["measures"] = _("List at least one measure.")
        if errors:
            raise ValidationError(errors)
        done = set(
            plan.tasks().filter(status=TaskStatus.DONE).values_list("title", "jurisdiction_id")
        )
        for measure in plan.measures:
            if (measure["title"], measure["owner"]) in done:
                continue
            do_create_task(
                actor=actor,
                title=measure["title"],
                jurisdiction=Jurisdiction.objects.defer("boundary").get(code=measure["owner"]),
                deadline=_when(measure["deadline"]),
                kind=TaskKind.PLAN_MEASURE,
                description=_("From %(plan)s") % {"plan": plan},
                source=plan,
                now=now,
            )
        plan.status, plan.submitted_by, plan.submitted_at = PlanStatus.SUBMITTED, actor, now
        plan.save(update_fields=["status", "submitted_by", "submitted_at"])
        record_on(
            plan,
            PLAN_SUBMITTED,
            message(gettext_noop("Plan submitted: %(plan)s"), {"plan": plan}),
            actor=actor,
            payload={"template": plan.template_id, "measures": len(plan.measures)},
            at=now,
            jurisdiction_code=plan.jurisdiction_id,
        )
    return plan


def reviews(user, plan: WorkPlan) -> bool:
    """The user may review the plan: the permission, at the template's issuing level or above."""
    own = scope_code(user)
    return (
        own is not None
        and user.has_perm("tasks.return_workplan")
        and plan.template.jurisdiction_id.startswith(own)
    )


def do_return_plan(plan: WorkPlan, *, actor, reason: str, now=None) -> WorkPlan:
    """The level that asked for the plan sends a submitted one back for revision, saying why.

    Needs ``tasks.return_workplan`` and a seat at the template's issuing level or above (a level
    never reviews its own plan). The open measure tasks of the submission are cancelled with the
    reason — the revised plan, submitted again, issues its own — so no measure is worked twice.
    Refused, with nothing written: a plan not submitted, an empty reason.
    """
    now = now or clock.now()
    reason = (reason or "").strip()
    require(actor, "tasks.return_workplan", _("Your role does not review work plans."))
    with transaction.atomic():
        locked = (
            WorkPlan.objects.restrict(actor, "return")
            .select_for_update()
            .filter(pk=plan.pk)
            .select_related("template")
            .first()
        )
        if locked is None:
            raise PermissionDenied(_("This plan is outside your area."))
        plan = locked
        if not reviews(actor, plan):
            raise PermissionDenied(_("The level that asked for this plan reviews it."))
        if plan.status != PlanStatus.SUBMITTED:
            raise Conflict(
                {
                    "status": _("Only a submitted plan is sent back; this one is %(status)s.")
                    % {"status": plan.get_status_display()}
                }
            )
        if not reason:
            raise ValidationError({"reason": _("Say what the plan must revise.")})
        note = _("Plan sent back for revision: %(reason)s") % {"reason": reason}
        for task in plan.tasks().filter(status__in=OPEN_STATUSES):
            do_cancel_task(task, actor=actor, note=note)
        plan.status, plan.returned_reason = PlanStatus.RETURNED, reason
        plan.returned_by, plan.returned_at = actor, now
        plan.save(update_fields=["status", "returned_reason", "returned_by", "returned_at"])
        ensure_allowed(actor, plan, "return")
        record_on(
            plan,
            PLAN_RETURNED,
            message(gettext_noop("Plan sent back for revision: %(plan)s"), {"plan": plan}),
            actor=actor,
            payload={"template": plan.template_id, "reason": reason},
            at=now,
            jurisdiction_code=plan.jurisdiction_id,
        )
    return plan
