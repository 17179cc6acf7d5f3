"""Survey campaigns (主动摸排) and their answers."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core.access import ensure_allowed
from pingji.core.events import record_event
from pingji.core.messages import message
from pingji.geo.models import Jurisdiction

from ..choices import OperatingState, Status
from ..contracts import SURVEY_OPENED
from ..models import (
    Establishment,
    Survey,
    SurveyReturn,
)
from .registry import _locked, _move, _now


def do_open_survey(
    *, actor, title: str, jurisdiction: Jurisdiction, due_at, kind: str = "", at=None
) -> Survey:
    """Ask every establishment of an area (of one kind, if given) for its state (主动摸排)."""
    at = _now(at)
    survey = Survey(
        title=(title or "").strip(),
        jurisdiction=jurisdiction,
        kind=kind or "",
        opened_at=at,
        due_at=due_at,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    survey.full_clean()
    if survey.due_at <= at:
        raise ValidationError({"due_at": [_("Answers must be due after the survey opens.")]})
    with transaction.atomic():
        survey.save()
        ensure_allowed(actor, survey, "add")
        record_event(
            SURVEY_OPENED,
            message(gettext_noop("Survey opened: %(t)s"), {"t": survey.title}),
            jurisdiction_code=jurisdiction.code,
            subject=survey,
            actor=actor,
            payload={"targets": survey.targets().count()},
            at=at,
        )
    return survey


def return_errors(survey: Survey, est: Establishment, answer: SurveyReturn) -> dict:
    """Every problem of an answer, by field: an establishment the survey did not ask, and the
    answer's own fields, all at once so the form shows them together."""
    errors: dict[str, list] = {}
    if not est.jurisdiction_id.startswith(survey.jurisdiction_id) or (
        survey.kind and est.kind != survey.kind
    ):
        errors["establishment"] = [_("This establishment is not asked by this survey.")]
    try:
        answer.full_clean(exclude=["survey", "establishment"], validate_unique=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    return errors


def do_answer_survey(
    survey: Survey,
    est: Establishment,
    *,
    actor,
    state: str,
    staff_in_controlled_areas: int = 0,
    staff_in_quarantine: int = 0,
    supply_problem: str = "",
    permit_problem: str = "",
    at=None,
) -> SurveyReturn:
    """Record an establishment's answer (a second answer replaces the first).

    An establishment that says it is closed is closed in the registry too; one that says it works
    is *not* resumed by that: resuming goes through application, inspection and approval.
    """
    at = _now(at)
    answer = SurveyReturn(
        survey=survey,
        establishment=est,
        state=state,
        staff_in_controlled_areas=staff_in_controlled_areas or 0,
        staff_in_quarantine=staff_in_quarantine or 0,
        supply_problem=(supply_problem or "").strip(),
        permit_problem=(permit_problem or "").strip(),
        answered_at=at,
        answered_by=actor if getattr(actor, "pk", None) else None,
    )
    errors = return_errors(survey, est, answer)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        est = _locked(est, actor)
        SurveyReturn.objects.filter(survey=survey, establishment=est).delete()
        answer.establishment = est
        answer.save()
        if state == OperatingState.CLOSED and est.status == Status.OPEN:
            _move(est, Status.CLOSED, actor=actor, at=at, reason=str(survey))
        ensure_allowed(actor, answer, "add")
    return answer
