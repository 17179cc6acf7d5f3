"""Deciding a proposed row: an epidemiologist places the person, or dismisses the row.

A pushed list is evidence, not a decision (as the check-in search's proposals, decision 0012):
a person of the receiving jurisdiction becomes a proposal and a person decides. Accepting places
the person in the same transaction, through quarantine's own action (``do_place_person``: the
regime of the protocol in force, counted from the exposure the row states, at the site chosen or
at home where the regime starts there), so "placed" always names a placement; a refusal there
(already placed, no site where one is needed, a full site) leaves the row proposed and says why.
The reconciliation reads the placement back (``reconcile.placed_rows``).
"""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core import clock
from pingji.core.access import ensure_allowed
from pingji.core.actions import conflict, error, locked
from pingji.core.events import record_event
from pingji.core.messages import message
from pingji.quarantine.actions.placement import do_place_person
from pingji.quarantine.choices import RegimeCategory

from ..choices import Colour, Outcome, PushKind
from ..contracts import ROW_DECIDED
from ..models import PushRow

#: The regime category a row's person is placed under unless the decider names another: a red
#: code marks a close contact, a yellow one a secondary contact (docs/health_codes.md).
CATEGORY_OF: dict[tuple[str, str], str] = {
    (PushKind.CODE_LIST, Colour.RED): RegimeCategory.CLOSE_CONTACT,
    (PushKind.CODE_LIST, Colour.YELLOW): RegimeCategory.SECONDARY_CONTACT,
    (PushKind.COMPANION, ""): RegimeCategory.SPATIOTEMPORAL_COMPANION,
    (PushKind.ARRIVAL, ""): RegimeCategory.HIGH_RISK_AREA_LEAVER,
}


def category_of(row: PushRow) -> str:
    kind = row.push.kind
    colour = row.colour if kind == PushKind.CODE_LIST else ""
    return CATEGORY_OF.get((kind, colour), RegimeCategory.CLOSE_CONTACT)


def do_decide_row(
    row: PushRow, *, accept: bool, reason: str = "", actor, category: str = "", site=None
) -> PushRow:
    """Place the row's person (``category``: by the row's kind when empty; ``site``: where the
    regime starts centralised) or dismiss the row, saying why."""
    reason = (reason or "").strip()
    if not accept and not reason:
        raise error("reason", _("Say why this person is dismissed."), "required")
    if category and category not in RegimeCategory.values:
        raise error("category", _("Choose a category from the list."))
    with transaction.atomic():
        row = locked(row, actor, outside=_("This row is outside your area."))
        if row.outcome != Outcome.PROPOSED:
            raise conflict(
                "outcome",
                _("This row is already %(o)s.") % {"o": row.get_outcome_display()},
                "decided",
            )
        if accept:
            _place(row, actor, category or category_of(row), site)
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


def _place(row: PushRow, actor, category: str, site) -> None:
    if not actor.has_perm("quarantine.add_placement"):
        raise error("accept", _("Your role cannot place people; dismiss or leave the row."))
    if row.person is None:
        raise error("accept", _("Nobody in your area is this row's person."))
    do_place_person(
        actor=actor,
        person=row.person,
        category=category,
        exposure_at=row.until or row.at,
        site=site,
        placed_at=clock.now(),
    )
