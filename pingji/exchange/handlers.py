"""Reactions to the cases domain (registered in ``apps.ExchangeConfig.ready``).

Every reported case gets its report card and the work item to file it, in the report's own
transaction (decision 0024): a case is never reported without the duty to report it onward. The
line-list path records the same events, so its cases get cards too. Reclassification and voiding
keep the card in step.
"""

from pingji.cases.contracts import RECLASSIFIED, REPORTED, VOIDED
from pingji.cases.models import Case
from pingji.core.events import subscribe

from .actions.cards import follow_case, open_cards, void_card


def _case(event) -> Case:
    return Case.objects.select_related("jurisdiction").get(pk=event.object_id)


@subscribe(REPORTED, batch=True)
def on_reported(events) -> None:
    """The cards of a report, or of a line list's every case at once."""
    cases = Case.objects.select_related("jurisdiction").in_bulk([e.object_id for e in events])
    open_cards([(cases[int(e.object_id)], e.actor) for e in events])


@subscribe(RECLASSIFIED)
def on_reclassified(event) -> None:
    follow_case(_case(event), actor=event.actor)


@subscribe(VOIDED)
def on_voided(event) -> None:
    void_card(_case(event), actor=event.actor)
