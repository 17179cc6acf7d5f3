"""Recording the meetings of a jurisdiction's headquarters: when, who attended, what was decided."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core import clock
from pingji.core.access import ensure_allowed
from pingji.core.actions import aware
from pingji.core.events import record_event
from pingji.core.messages import message
from pingji.geo.models import Jurisdiction

from ..choices import HeadquartersLevel
from ..contracts import MEETING_HELD
from ..models import Meeting


def _check_meeting(actor, jurisdiction: Jurisdiction, *, title, held_at, attendees, minutes, now):
    """The meeting's time, made aware, once the role, the area and every field are good.

    Minutes record what happened, so a meeting dated in the future is refused; the fields' other
    problems are reported together with it, so the form shows them all at once.
    """
    if actor is None or not actor.has_perm("command.add_meeting"):
        raise PermissionDenied(_("Your role does not record headquarters meetings."))
    if not Jurisdiction.objects.restrict(actor).filter(code=jurisdiction.code).exists():
        raise PermissionDenied(_("This jurisdiction is outside your area."))
    held_at = aware(held_at)
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("Give the meeting a title.")
    if held_at is None:
        errors["held_at"] = _("Say when the meeting was held.")
    elif held_at > now:
        errors["held_at"] = _("A meeting is recorded after it was held, not before.")
    if not (attendees or "").strip():
        errors["attendees"] = _("List who attended.")
    if not (minutes or "").strip():
        errors["minutes"] = _("Write the minutes: what was decided.")
    if errors:
        raise ValidationError(errors)
    return held_at


def do_record_meeting(
    jurisdiction: Jurisdiction,
    *,
    title: str,
    held_at,
    attendees: str,
    minutes: str,
    actor,
    body: str = "",
    chaired_by: str = "",
    now=None,
) -> Meeting:
    """Record a meeting of a jurisdiction's headquarters: when, who attended, what was decided.

    The decisions to carry out are then issued as directives
    (``tasks.actions.directives.do_issue_directive`` with ``meeting=``), each becoming tasks of
    the levels below. A meeting cannot be dated in the future: the minutes record what happened.
    Its event is dated when it was held and recorded when it was entered (decision 0030).
    """
    now = now or clock.now()
    held_at = _check_meeting(
        actor,
        jurisdiction,
        title=title,
        held_at=held_at,
        attendees=attendees,
        minutes=minutes,
        now=now,
    )
    with transaction.atomic():
        meeting = Meeting(
            jurisdiction=jurisdiction,
            body=body or HeadquartersLevel.HEADQUARTERS,
            title=title.strip(),
            held_at=held_at,
            chaired_by=(chaired_by or "").strip(),
            attendees=attendees.strip(),
            minutes=minutes.strip(),
            created_by=actor,
            created_at=now,
        )
        meeting.full_clean()
        meeting.save()
        ensure_allowed(actor, meeting, "add")
        record_event(
            MEETING_HELD,
            message(
                gettext_noop("%(body)s meeting: %(title)s"),
                {"body": HeadquartersLevel(meeting.body).label, "title": meeting.title},
            ),
            jurisdiction_code=jurisdiction.code,
            subject=meeting,
            payload={"held_at": held_at.isoformat(), "attendees": len(meeting.attendee_list)},
            actor=actor,
            at=held_at,
        )
    return meeting
