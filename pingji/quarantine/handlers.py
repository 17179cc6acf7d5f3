"""Reactions to other domains' events (registered in ``apps.QuarantineConfig.ready``).

A dispatched person whom the receiving county records as controlled (管控到位) is placed under
quarantine there, in the answer's own transaction (``core.events.subscribe``, decision 0026): the
regime of the protocol in force, counted from the contact's last exposure, through
``actions.do_place_person``, at the site the answer names (``control["site"]``) or at home when
the regime starts at home. A refusal — no site where the regime needs one, a full site — rolls the
answer back with it, so "controlled" is never recorded for someone nobody placed. A person handed
over by a move (``moving.py``, decision 0027) is placed again under their ended placement's category
and contact; when that county answers "not our resident" or "unreachable" instead, the ended
placement resumes where it was (``moving.take_back``).
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pingji.cases.actions import open_case_of
from pingji.core.events import subscribe
from pingji.tracing.models import Contact, Dispatch

from .actions import do_place_person, error, local_date, regime_plan
from .choices import PlacementStatus, RegimeCategory
from .models import Placement, Site


@subscribe("tracing.dispatch_controlled")
def on_dispatch_controlled(event) -> None:
    """Place the person; not for history replayed without an actor (the demo's, whose placements
    quarantine's own demo writes): a placement needs someone whose area is checked."""
    if event.actor is None:
        return
    dispatch = Dispatch.objects.select_related("person", "jurisdiction").get(pk=event.object_id)
    control = event.payload.get("control") or {}
    place_controlled(
        dispatch,
        actor=event.actor,
        site_id=control.get("site"),
        at=datetime.datetime.fromisoformat(event.payload["at"]),
    )


@subscribe("tracing.dispatch_returned", "tracing.dispatch_unreachable")
def on_handover_refused(event) -> None:
    """A person moved to another county whom that county does not take: monitored here again."""
    from .moving import take_back

    if event.actor is None:
        return
    dispatch = Dispatch.objects.get(pk=event.object_id)
    take_back(dispatch, actor=event.actor, at=datetime.datetime.fromisoformat(event.payload["at"]))


def place_controlled(dispatch: Dispatch, *, actor, site_id, at) -> Placement | None:
    """Place the person of a controlled dispatch, or None when nothing is left to place.

    Nothing is placed for someone already under a placement, or already placed for this exposure
    or a later one (idempotent: answering twice, or a site that placed them first, never doubles
    them), nor for someone who has since become a case (under treatment, controlled as a case, not
    in quarantine), nor when the regime of the protocol in force is over or sets no quarantine.
    """
    person = dispatch.person
    source = dispatch.source
    # A placement handed over by a move keeps the contact it came from (contract C4 asks for it).
    contact = source.contact if isinstance(source, Placement) else source
    contact = contact if isinstance(contact, Contact) else None
    exposure_at = dispatch.last_exposure_at or (contact.last_exposure_at if contact else None)
    placements = Placement.objects.filter(person=person)
    if placements.filter(status=PlacementStatus.ACTIVE).exists() or open_case_of(person):
        return None
    if exposure_at is None:
        raise error(
            "outcome",
            _(
                "The dispatch gives no last exposure to count the quarantine from: place "
                "%(name)s from the quarantine pages, then record the outcome."
            )
            % {"name": person.name},
            "required",
        )
    exposure_on = local_date(exposure_at)
    # A placement handed over by a move (moving.py) ended so that this answer places the person.
    if (
        placements.exclude(status=PlacementStatus.TRANSFERRED)
        .filter(exposure_on__gte=exposure_on)
        .exists()
    ):
        return None
    county = dispatch.jurisdiction
    if not person.jurisdiction_id.startswith(county.code):
        raise error(
            "outcome",
            _(
                "%(name)s's residence is recorded outside %(county)s: correct it, or return the "
                "dispatch as not your resident."
            )
            % {"name": person.name, "county": county.name},
        )
    category = RegimeCategory.CLOSE_CONTACT
    if contact is not None:
        category = contact.tier
    elif isinstance(source, Placement):
        category = source.category
    try:
        _protocol, plan = regime_plan(person, category, exposure_on, local_date(at))
    except ValidationError as exc:
        if any(e.code == "not_applicable" for e in exc.error_dict.get("category", ())):
            return None
        raise
    if plan.planned_end_on < local_date(at):
        return None
    site = None
    if site_id:
        site = (
            Site.objects.restrict(actor, "view")
            .filter(pk=site_id, jurisdiction__code__within=county.code)
            .first()
        )
        if site is None:
            raise error("site", _("No such site in %(county)s.") % {"county": county.name})
    return do_place_person(
        actor=actor,
        person=person,
        category=category,
        exposure_at=exposure_at,
        contact=contact,
        site=site,
        placed_at=at,
    )
