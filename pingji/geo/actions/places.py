"""Registering, changing and removing places: one transaction each, scope re-checked before commit
(writes through actions, docs/architecture.md).

A place lies in a grid, and a part of a place (a building of a compound) in its place's grid, so
every row that hangs off a place (a household, a check-in venue) is counted in one grid."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core.access import ensure_allowed
from pingji.core.events import record_event
from pingji.core.messages import message

from ..choices import Level
from ..contracts import PLACE_CREATED, PLACE_DELETED
from ..models import Jurisdiction, Place


def _check_grid(jurisdiction: Jurisdiction, parent: Place | None) -> None:
    if jurisdiction.level != Level.GRID:
        raise ValidationError(
            {
                "jurisdiction": _("A place lies in a grid, not a %(level)s.")
                % {"level": jurisdiction.get_level_display()}
            }
        )
    if parent is not None and parent.jurisdiction_id != jurisdiction.code:
        raise ValidationError(
            {"parent": _("A part of a place lies in the same grid as the place.")}
        )


def do_create_place(
    *, actor, jurisdiction: Jurisdiction, parent: Place | None = None, **fields
) -> Place:
    """Register a place in a grid of the actor's area."""
    _check_grid(jurisdiction, parent)
    with transaction.atomic():
        place = Place(jurisdiction=jurisdiction, parent=parent, **fields)
        place.full_clean()
        place.save()
        ensure_allowed(actor, place, "add")
        record_event(
            PLACE_CREATED,
            message(gettext_noop("Place registered: %(name)s"), {"name": place.name}),
            jurisdiction_code=place.jurisdiction_id,
            subject=place,
            actor=actor,
        )
    return place


def do_update_place(place: Place, changes: dict, *, actor) -> Place:
    with transaction.atomic():
        for field, value in changes.items():
            setattr(place, field, value)
        _check_grid(place.jurisdiction, place.parent)
        place.full_clean()
        place.save()
        ensure_allowed(actor, place, "change")  # a move out of the actor's area rolls back
    return place


def do_delete_place(place: Place, *, actor) -> None:
    """Remove a place nothing refers to; one with households (or other records) is refused."""
    with transaction.atomic():
        ensure_allowed(actor, place, "delete")
        record_event(
            PLACE_DELETED,
            message(gettext_noop("Place removed: %(name)s"), {"name": place.name}),
            jurisdiction_code=place.jurisdiction_id,
            actor=actor,
        )
        try:
            with transaction.atomic():
                place.delete()
        except (ProtectedError, RestrictedError) as exc:
            kinds = sorted({str(o._meta.verbose_name_plural) for o in exc.args[1]})
            raise ValidationError(
                _("%(name)s still has %(what)s; move or remove them first.")
                % {"name": place.name, "what": ", ".join(kinds)},
                code="protected",
            ) from None
