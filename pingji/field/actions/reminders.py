"""A reminder to get tested, given at the door to a resident a round has not sampled yet.

No domain recorded these: the untested list (``testing.views.UntestedView``) was read-only. The
reminder is a fact about the person, recorded as the field app's event on them (``TEST_REMINDED``),
dated when it was given at the door (decision 0030): the round's own figures come from samples,
never from reminders.
"""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core import clock
from pingji.core.actions import conflict, error, locked, not_in_future, record_on
from pingji.core.messages import message
from pingji.people.models import Person
from pingji.testing.choices import RoundStatus
from pingji.testing.models import Coverage, Round

from ..choices import ReminderOutcome
from ..contracts import TEST_REMINDED


def do_record_reminder(
    person: Person,
    round: Round,
    *,
    actor,
    outcome: str = ReminderOutcome.REMINDED,
    at: datetime.datetime | None = None,
) -> Person:
    """Record that ``actor`` reminded ``person`` to get tested in ``round`` (or found nobody).

    The person must still be in the actor's area and the round open and covering it; a round
    closed meanwhile is a conflict, reported back to the phone.
    """
    if outcome not in ReminderOutcome.values:
        raise error("outcome", _("Choose reminded or nobody at home."))
    at = not_in_future(at or clock.now(), "at")
    with transaction.atomic():
        person = locked(person, actor, "view", outside=_("This person is no longer in your area."))
        if round.status != RoundStatus.OPEN:
            raise conflict(
                "round", _("%(round)s is closed: no reminder is needed.") % {"round": round}
            )
        if not Coverage.objects.restrict(actor).filter(round=round).exists():
            raise conflict("round", _("%(round)s does not cover your area.") % {"round": round})
        record_on(
            person,
            TEST_REMINDED,
            message(
                gettext_noop("%(name)s reminded to get tested (%(round)s)")
                if outcome == ReminderOutcome.REMINDED
                else gettext_noop("%(name)s: nobody at home to remind (%(round)s)"),
                {"name": person.name, "round": str(round)},
            ),
            actor=actor,
            at=at,
            payload={"round": round.pk, "outcome": str(outcome)},
        )
    return person
