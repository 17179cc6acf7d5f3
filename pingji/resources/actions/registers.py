"""The plain registers of resources: stores, facilities and workforce, saved whole after checking.

A row here has no movement or ledger behind it: it is validated (``full_clean``), saved, checked
against the actor's area and recorded as the event its app declares. Other domains reuse
``save_row`` for their own plain registers (preparedness: surveillance sites, warning rules,
courses), so every such row is written one way.
"""

from django.db import transaction
from django.utils.translation import gettext_noop

from pingji.core.access import ensure_allowed
from pingji.core.events import record_event
from pingji.core.messages import Message, message

from ..choices import StaffRole
from ..contracts import FACILITY_SAVED, STORE_SAVED, WORKFORCE_SAVED
from ..models import Facility, Store, Workforce


def save_row(model, instance, data: dict, actor, kind: str, *, named=str):
    """Create or update a simple row after validating it; the actor must act in its area.

    ``kind`` is the domain event, declared in the calling app's contracts with the saved fields as
    its payload; other domains reuse this for their plain registers (preparedness: surveillance
    sites, warning rules). ``named`` gives the saved row's name in its event: a row whose name
    holds words (a role, a signal) names itself with a ``Message`` so each reader reads them in
    their language.
    """
    obj = instance or model()
    for key, value in data.items():
        setattr(obj, key, value)
    with transaction.atomic():
        obj.full_clean()
        obj.save()
        ensure_allowed(actor, obj, "change" if instance else "add")
        record_event(
            kind,
            message(gettext_noop("%(obj)s saved"), {"obj": named(obj)}),
            jurisdiction_code=obj.jurisdiction_id,
            subject=obj,
            payload={k: str(v) for k, v in data.items()},
        )
    return obj


def do_save_store(data: dict, *, actor, instance: Store | None = None) -> Store:
    return save_row(Store, instance, data, actor, STORE_SAVED)


def do_save_facility(data: dict, *, actor, instance: Facility | None = None) -> Facility:
    """Register or update a facility's capacity (beds, clinic, lab samples a day, rooms)."""
    return save_row(Facility, instance, data, actor, FACILITY_SAVED)


def do_save_workforce(data: dict, *, actor, instance: Workforce | None = None) -> Workforce:
    return save_row(Workforce, instance, data, actor, WORKFORCE_SAVED, named=_workforce_name)


def _workforce_name(row: Workforce) -> Message:
    """``Workforce.__str__``'s words, the role translated when read."""
    return message(
        gettext_noop("%(jurisdiction)s %(role)s: %(headcount)s"),
        {
            "jurisdiction": row.jurisdiction_id,
            "role": StaffRole(row.role).label,
            "headcount": row.headcount,
        },
    )
