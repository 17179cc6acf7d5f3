"""Training's writes: courses and who attended them."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core.access import ensure_allowed
from pingji.core.events import record_event
from pingji.core.messages import message

from ..contracts import ATTENDANCE_RECORDED, COURSE_RECORDED, COURSE_SAVED
from ..models import Attendance, Course


def do_record_course(data: dict, *, actor) -> Course:
    """Record a course a jurisdiction held for a role: the training part of readiness counts it."""
    course = Course(**data)
    with transaction.atomic():
        course.full_clean()
        course.save()
        ensure_allowed(actor, course, "add")
        record_event(
            COURSE_RECORDED,
            message(gettext_noop("Course: %(c)s"), {"c": course}),
            jurisdiction_code=course.jurisdiction_id,
            subject=course,
            payload={},
        )
    return course


def do_save_course(data: dict, *, actor, instance: Course | None = None) -> Course:
    """Record a new course, or correct one as a plain register row (the fields it changed)."""
    if instance is None:
        return do_record_course(data, actor=actor)
    from pingji.resources.actions.registers import save_row

    return save_row(Course, instance, data, actor, COURSE_SAVED)


def do_record_attendance(
    course: Course, *, users: list, actor, passed: bool = True
) -> list[Attendance]:
    """Who attended: users of the course's area, each once; one wrong name refuses them all."""
    ensure_allowed(actor, course, "change")
    if not actor.has_perm("preparedness.add_attendance"):
        raise PermissionDenied(_("Your role does not record attendance."))
    errors = []
    seen = set()
    already = set(Attendance.objects.filter(course=course).values_list("user_id", flat=True))
    for user in users:
        code = getattr(user, "jurisdiction_id", "") or ""
        if not code.startswith(course.jurisdiction_id):
            errors.append(
                _("%(u)s does not work in %(j)s.") % {"u": user, "j": course.jurisdiction}
            )
        if user.pk in seen or user.pk in already:
            errors.append(_("%(u)s is already recorded.") % {"u": user})
        seen.add(user.pk)
    if not users:
        errors.append(_("Name at least one attendee."))
    if errors:
        raise ValidationError({"users": errors})
    with transaction.atomic():
        rows = Attendance.objects.bulk_create(
            Attendance(course=course, user=u, jurisdiction_id=u.jurisdiction_id, passed=passed)
            for u in users
        )
        record_event(
            ATTENDANCE_RECORDED,
            message(gettext_noop("%(n)s attended %(c)s"), {"n": len(rows), "c": course}),
            jurisdiction_code=course.jurisdiction_id,
            subject=course,
            payload={"users": [u.pk for u in users]},
        )
    return rows
