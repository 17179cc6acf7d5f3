"""Deciding a proposed row: an epidemiologist accepts it (to be placed) or dismisses it.

A pushed list is evidence, not a decision (as the check-in search's proposals, decision 0012):
a person of the receiving jurisdiction becomes a proposal and a person decides. Accepting records
who and when; the placement itself is quarantine's action, and the reconciliation reads it back.
"""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core import clock
from pingji.core.access import ensure_allowed
from pingji.core.actions import conflict, error, locked
from pingji.core.events import record_event
from pingji.core.messages import message

from ..choices import Outcome
from ..contracts import ROW_DECIDED
from ..models import PushRow


def do_decide_row(row: PushRow, *, accept: bool, reason: str = "", actor) -> PushRow:
    """Accept (to be placed) or dismiss (saying why) a proposed row."""
    reason = (reason or "").strip()
    if not accept and not reason:
        raise error("reason", _("Say why this person is dismissed."), "required")
    with transaction.atomic():
        row = locked(row, actor, outside=_("This row is outside your area."))
        if row.outcome != Outcome.PROPOSED:
            raise conflict(
                "outcome",
                _("This row is already %(o)s.") % {"o": row.get_outcome_display()},
                "decided",
            )
        row.outcome = Outcome.PLACED if accept else Outcome.DISMISSED
        row.reason = reason[:300]
        row.decided_by, row.decided_at = actor, clock.now()
        row.save(update_fields=["outcome", "reason", "decided_by", "decided_at"])
        ensure_allowed(actor, row, "change")
        record_event(
            ROW_DECIDED,
            message(
                gettext_noop("pushed row %(line)d: %(outcome)s"),
                {"line": row.line, "outcome": row.outcome},
            ),
            jurisdiction_code=row.jurisdiction_id,
            subject=row,
            actor=actor,
            payload={"row": row.pk, "push": row.push_id, "outcome": row.outcome},
        )
    return row
