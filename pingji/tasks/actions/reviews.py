"""After-action reviews: the record, and the improvement items that become tasks."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core import clock
from pingji.core.access import ensure_allowed
from pingji.core.actions import record_on
from pingji.core.messages import message

from ..choices import TaskKind
from ..contracts import IMPROVEMENT_ADDED, REVIEW_OPENED
from ..models import Review, Task
from .issuing import below_error, issuer_of, require
from .work import do_create_task


def do_create_review(
    *,
    actor,
    title: str,
    period_start,
    period_end,
    jurisdiction=None,
    worked: str = "",
    gaps: str = "",
    now=None,
) -> Review:
    """Open the review (总结反思) of an outbreak in a jurisdiction over a period.

    Its timeline is read from the domain events of that subtree and period
    (``tasks.reviews.timeline``), so the period must be a real one: start on or before the end.
    """
    now = now or clock.now()
    require(actor, "tasks.add_review", _("Your role does not write reviews."))
    place = issuer_of(actor, jurisdiction)
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("Give the review a title.")
    if period_start is None or period_end is None:
        errors["period_end"] = _("Give the period the review covers.")
    elif period_start > period_end:
        errors["period_end"] = _("The period ends before it starts.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        review = Review(
            jurisdiction=place,
            title=title.strip(),
            period_start=period_start,
            period_end=period_end,
            worked=(worked or "").strip(),
            gaps=(gaps or "").strip(),
            created_by=actor,
            created_at=now,
        )
        review.full_clean()
        review.save()
        ensure_allowed(actor, review, "add")
        record_on(
            review,
            REVIEW_OPENED,
            message(gettext_noop("Review opened: %(title)s"), {"title": review.title}),
            actor=actor,
            payload={"period": [str(period_start), str(period_end)]},
            at=now,
            jurisdiction_code=place.code,
        )
    return review


def do_add_improvement(
    review: Review, *, actor, title: str, owner, deadline, description: str = "", now=None
) -> Task:
    """An improvement the review found (a gap to close) becomes a task of the owner below it."""
    now = now or clock.now()
    if not Review.objects.restrict(actor, "change").filter(pk=review.pk).exists():
        raise PermissionDenied(_("This review is outside your area."))
    problem = below_error(review.jurisdiction, owner)
    if problem:
        raise ValidationError({"owner": problem})
    with transaction.atomic():
        task = do_create_task(
            actor=actor,
            title=title,
            jurisdiction=owner,
            deadline=deadline,
            kind=TaskKind.IMPROVEMENT,
            description=description,
            source=review,
            now=now,
        )
        record_on(
            review,
            IMPROVEMENT_ADDED,
            message(
                gettext_noop("Improvement item for %(owner)s: %(title)s"),
                {"owner": owner.name, "title": task.title},
            ),
            actor=actor,
            payload={"task": task.pk},
            at=now,
            jurisdiction_code=review.jurisdiction_id,
        )
    return task
