"""Reactions to other domains' events (registered in ``apps.QuarantineConfig.ready``).

A dispatched person whom the receiving county records as controlled (管控到位) is placed under
quarantine there, in the answer's own transaction (``core.events.subscribe``, decision 0026): the
regime of the protocol in force, counted from the contact's last exposure, through
``actions.placement.do_place_person``, at the site the answer names (``control["site"]``) or at
home when the regime starts at home. A refusal — no site where the regime needs one, a full site —
rolls the answer back with it, so "controlled" is never recorded for someone nobody placed. When
the answer stands but places nobody (already placed, a case by now, the regime over or none), the
reason is recorded on the dispatch (``contracts.NOT_PLACED``), which tracing tells the one who
answered (``tracing.actions.dispatch_answers.told_by_reactions``). A
person handed over by a move (``actions.moving``, decision 0027) is placed again under their ended
placement's category and contact; when that county answers "not our resident" or "unreachable"
instead, the ended placement resumes where it was (``actions.moving.take_back``).
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.cases.actions.reports import case_name, open_case_of
from pingji.core.actions import error, local_date, record_on
from pingji.core.events import subscribe
from pingji.core.messages import Message, message
from pingji.protocols.models import COVID_19
from pingji.tracing.contracts import (
    DISPATCH_CONTROLLED,
    DISPATCH_RETURNED,
    DISPATCH_UNREACHABLE,
)
from pingji.tracing.models import Contact, Dispatch

from .actions.placement import do_place_person, regime_plan
from .choices import PlacementStatus, RegimeCategory
from .contracts import NOT_PLACED
from .models import Placement, Site


@subscribe(DISPATCH_CONTROLLED)
def on_dispatch_controlled(event) -> None:
    """Place the person, as the one who recorded the answer (whose area the site is checked in)."""
    dispatch = Dispatch.objects.select_related("person", "jurisdiction").get(pk=event.object_id)
    control = event.payload.get("control") or {}
    place_controlled(
        dispatch,
        actor=event.actor,
        site_id=control.get("site"),
        at=datetime.datetime.fromisoformat(event.payload["at"]),
    )


@subscribe(DISPATCH_RETURNED, DISPATCH_UNREACHABLE)
def on_handover_refused(event) -> None:
    """A person moved to another county whom that county does not take: monitored here again."""
    from .actions.moving import take_back

    dispatch = Dispatch.objects.get(pk=event.object_id)
    take_back(dispatch, actor=event.actor, at=datetime.datetime.fromisoformat(event.payload["at"]))


def place_controlled(dispatch: Dispatch, *, actor, site_id, at) -> Placement | None:
    """Place the person of a controlled dispatch, or None when nothing is left to place.

    Nothing is placed for someone already under a placement, or already placed for this exposure
    or a later one (idempotent: answering twice, or a site that placed them first, never doubles
    them), nor for someone who has since become a case (under treatment, controlled as a case, not
    in quarantine), nor when the regime of the protocol in force is over or sets no quarantine.
    Each of these is recorded on the dispatch with its reason (``_not_placed``), so the one who
    answered is told why nobody was placed.
    """
    person, county = dispatch.person, dispatch.jurisdiction
    if person is None:  # a contact known only by particulars: answered controlled once named
        raise error("outcome", _("Name the person this dispatch is about before placing them."))
    contact, category = _contact_and_category(dispatch)
    exposure_at = dispatch.last_exposure_at or (contact.last_exposure_at if contact else None)
    controlled = _under_control(person)
    if controlled is not None:
        _not_placed(dispatch, actor, at, *controlled)
        return None
    exposure_on = _exposure_day(person, exposure_at)
    if _placed_since(person, exposure_on):
        _not_placed(
            dispatch,
            actor,
            at,
            "placed_already",
            message(
                gettext_noop(
                    "Nobody was placed: %(name)s was already placed for this exposure or a "
                    "later one."
                ),
                {"name": person.name},
            ),
        )
        return None
    if not person.jurisdiction_id.startswith(county.code):
        raise error(
            "outcome",
            _(
                "%(name)s's residence is recorded outside %(county)s: correct it, or return the "
                "dispatch as not your resident."
            )
            % {"name": person.name, "county": county.name},
        )
    nothing_left = _no_regime_left(person, category, exposure_on, local_date(at))
    if nothing_left is not None:
        _not_placed(dispatch, actor, at, *nothing_left)
        return None
    return do_place_person(
        actor=actor,
        person=person,
        category=category,
        exposure_at=exposure_at,
        contact=contact,
        site=_site_named(actor, site_id, county),
        placed_at=at,
    )


def _contact_and_category(dispatch: Dispatch) -> tuple[Contact | None, str]:
    """The tracing contact the dispatch is about, and the category to place the person under.

    A placement handed over by a move keeps the contact it came from (``unreleased_contacts`` asks
    about contacts) and, without one, its own category; anyone else is a close contact.
    """
    source = dispatch.source
    contact = source.contact if isinstance(source, Placement) else source
    contact = contact if isinstance(contact, Contact) else None
    category: str = RegimeCategory.CLOSE_CONTACT
    if contact is not None:
        category = contact.tier
    elif isinstance(source, Placement):
        category = source.category
    return contact, category


def _not_placed(dispatch: Dispatch, actor, at, reason: str, why: Message) -> None:
    """Record on the dispatch that its "controlled" answer placed nobody, and why: the answer
    stands, and the one who gave it is told (decision 0026 keeps it; this says so)."""
    record_on(
        dispatch,
        NOT_PLACED,
        why,
        actor=actor,
        at=at,
        payload={"reason": reason, "at": at.isoformat()},
        jurisdiction_code=dispatch.jurisdiction_id,  # the receiving county's, as its answer
    )


def _under_control(person) -> tuple[str, Message] | None:
    """(why, in a code and in words) when the person is already under a placement, or a COVID-19
    case by now (quarantine is COVID-19's workflow, decision 0041): controlled another way, not
    placed again; else None."""
    active = Placement.objects.filter(person=person, status=PlacementStatus.ACTIVE).first()
    if active is not None:
        return (
            "under_placement",
            message(
                gettext_noop("Nobody was placed: %(name)s is already under %(placement)s."),
                {
                    "name": person.name,
                    "placement": message(
                        gettext_noop("Placement %(number)s"), {"number": active.pk}
                    ),
                },
            ),
        )
    case = open_case_of(person, COVID_19)
    if case is not None:
        return (
            "case",
            message(
                gettext_noop(
                    "Nobody was placed: %(name)s is %(case)s, controlled as a case (treatment), "
                    "not by quarantine."
                ),
                {"name": person.name, "case": case_name(case)},
            ),
        )
    return None


def _exposure_day(person, exposure_at) -> datetime.date:
    """The day the regime counts from; without it "controlled" cannot place anyone, so the answer
    is refused and the county places the person from the quarantine pages first."""
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
    return local_date(exposure_at)


def _placed_since(person, exposure_on: datetime.date) -> bool:
    """Placed already for this exposure or a later one (answering twice places nobody twice).

    A placement handed over by a move (``actions.moving``) ended so that this answer places the
    person, so it does not count.
    """
    return (
        Placement.objects.filter(person=person)
        .exclude(status=PlacementStatus.TRANSFERRED)
        .filter(exposure_on__gte=exposure_on)
        .exists()
    )


def _no_regime_left(
    person, category: str, exposure_on: datetime.date, placed_on
) -> tuple[str, Message] | None:
    """None while the protocol in force still has days of quarantine for the person on
    ``placed_on``; else why not (a regime that sets none, or one already over), as a code and
    in words."""
    try:
        protocol, plan = regime_plan(person, category, exposure_on, placed_on)
    except ValidationError as exc:
        refusals = exc.error_dict.get("category", ())
        if any(e.code == "not_applicable" for e in refusals):
            return (
                "no_regime",
                message(
                    gettext_noop("Nobody was placed: %(reason)s"),
                    {"reason": " ".join(m for e in refusals for m in e.messages)},
                ),
            )
        raise
    if plan.planned_end_on >= placed_on:
        return None
    return (
        "regime_over",
        message(
            gettext_noop(
                "Nobody was placed: under %(protocol)s the regime of %(name)s, counted from the "
                "last exposure on %(exposure)s, ended on %(end)s."
            ),
            {
                "protocol": protocol,
                "name": person.name,
                "exposure": exposure_on.isoformat(),
                "end": plan.planned_end_on.isoformat(),
            },
        ),
    )


def _site_named(actor, site_id, county) -> Site | None:
    """The site the answer names, among the actor's sites in the receiving county; None for home."""
    if not site_id:
        return None
    site = (
        Site.objects.restrict(actor, "view")
        .filter(pk=site_id, jurisdiction__code__within=county.code)
        .first()
    )
    if site is None:
        raise error("site", _("No such site in %(county)s.") % {"county": county.name})
    return site
