"""Registering, moving and removing households.

Each action runs in one transaction, checks the actor's scope before touching anything and again
after the write (docs/architecture.md, "Conventions every app follows"). A household's grid is its
place's: moving the household to another grid takes its members along, so a person is always
counted where they live.
"""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core.access import ensure_allowed
from pingji.core.actions import error
from pingji.core.events import record_event
from pingji.core.messages import message
from pingji.geo.choices import PlaceKind
from pingji.geo.models import Place

from ..contracts import HOUSEHOLD_CREATED, HOUSEHOLD_DELETED
from ..models import Household

#: Where a household can live: a residential compound (or village) or one of its buildings.
RESIDENTIAL_KINDS = (PlaceKind.COMPOUND, PlaceKind.BUILDING)


def require_visible(actor, obj) -> None:
    """A household or grid the actor cannot see does not exist for them (404, nothing written)."""
    if obj is not None:
        ensure_allowed(actor, obj, "view")


def _check_residential(place: Place) -> None:
    if place.kind not in RESIDENTIAL_KINDS:
        raise error(
            "place",
            _("A household lives in a residential compound or building, not a %(kind)s.")
            % {"kind": place.get_kind_display()},
        )


def do_create_household(place: Place, address: str, *, actor) -> Household:
    """Register a household at a place; its grid is the place's grid."""
    require_visible(actor, place)
    _check_residential(place)
    with transaction.atomic():
        household = Household(
            place=place, jurisdiction_id=place.jurisdiction_id, address=(address or "").strip()
        )
        household.full_clean()
        household.save()
        ensure_allowed(actor, household, "add")
        record_event(
            HOUSEHOLD_CREATED,
            message(
                gettext_noop("Household registered: %(address)s"), {"address": household.address}
            ),
            jurisdiction_code=household.jurisdiction_id,
            subject=household,
            actor=actor,
        )
    return household


def do_update_household(household: Household, changes: dict, *, actor) -> Household:
    """Change a household's address or place; a move to another grid takes its members along."""
    ensure_allowed(actor, household, "change")
    place = changes.get("place", household.place)
    require_visible(actor, place)
    _check_residential(place)
    with transaction.atomic():
        household.place = place
        household.jurisdiction_id = place.jurisdiction_id
        if "address" in changes:
            household.address = (changes["address"] or "").strip()
        household.full_clean()
        household.save()
        for member in household.members.exclude(jurisdiction_id=household.jurisdiction_id):
            member.jurisdiction_id = household.jurisdiction_id
            member.save(update_fields=["jurisdiction"])
        ensure_allowed(actor, household, "change")
    return household


def do_delete_household(household: Household, *, actor) -> None:
    """Remove an empty household (one with members is moved or kept, never silently emptied)."""
    ensure_allowed(actor, household, "delete")
    if household.members.exists():
        raise error(
            "household", _("The household still has members; move them first."), "has_members"
        )
    with transaction.atomic():
        record_event(
            HOUSEHOLD_DELETED,
            message(gettext_noop("Household removed: %(address)s"), {"address": household.address}),
            jurisdiction_code=household.jurisdiction_id,
            actor=actor,
        )
        household.delete()
