"""Background job of the tracing app: the check-in search (epi.overlap) with progress.

Visits are searched in batches so the job row shows how far it got; each batch is one query over
only the days its visits touch. The result holds every proposed contact with its evidence; what
becomes a contact work item is decided by a person reading it (handbook, "Two stores"):
``tracing.propose_contacts`` runs the same search for an investigation and stores the result as
proposals to accept or reject (``tracing.proposals``).
"""

import datetime

from pingji.core.jobs import job
from pingji.epi import overlap

BATCH = 250


def visits_from_params(rows: list[dict], margin_minutes: float = 0.0) -> list[overlap.Visit]:
    """Visits from JSON rows {visit_id, venue, start, end[, margin_minutes]} (ISO times)."""
    return [
        overlap.Visit(
            visit_id=str(row["visit_id"]),
            venue=str(row["venue"]),
            start=datetime.datetime.fromisoformat(row["start"]),
            end=datetime.datetime.fromisoformat(row["end"]),
            margin_minutes=float(row.get("margin_minutes") or margin_minutes),
        )
        for row in rows
    ]


def _search(progress, parsed: list[overlap.Visit], close_minutes: float) -> list[dict]:
    contacts: list[dict] = []
    progress(0, len(parsed), "searching check-ins")
    for first in range(0, len(parsed), BATCH):
        batch = parsed[first : first + BATCH]
        table = overlap.search(batch, close_minutes=close_minutes)
        for row in overlap.for_reading(table).to_pylist():
            contacts.append(
                {
                    k: v.isoformat() if isinstance(v, datetime.datetime) else v
                    for k, v in row.items()
                }
            )
        progress(first + len(batch), len(parsed), f"{len(contacts)} proposed contacts")
    return contacts


@job("tracing.checkin_search")
def checkin_search(
    progress,
    visits: list[dict],
    margin_minutes: float = 0.0,
    close_minutes: float = overlap.DEFAULT_CLOSE_MINUTES,
) -> dict:
    parsed = visits_from_params(visits, margin_minutes)
    contacts = _search(progress, parsed, close_minutes)
    return {"visits": len(parsed), "contacts": [_for_reader(c) for c in contacts]}


def _for_reader(contact: dict) -> dict:
    """A contact as the job's result holds it: read through the API, so the keyed hashes stay on
    the server (decision 0031). It says which identifiers the check-in carried and names the
    registered person it matches only if the requester may see them.
    """
    from pingji.core.context import current_actor
    from pingji.people.models import Person

    id_hash, phone_hash = contact.get("id_hash") or "", contact.get("phone_hash") or ""
    visible = Person.objects.restrict(current_actor(), "view")
    person = (visible.filter(id_number_hash=id_hash).first() if id_hash else None) or (
        visible.filter(phone_hash=phone_hash).order_by("pk").first() if phone_hash else None
    )
    kept = {k: v for k, v in contact.items() if not k.endswith("_hash")}
    identified_by = [k for k, h in (("id_number", id_hash), ("phone", phone_hash)) if h]
    return {**kept, "identified_by": identified_by, "person": person.pk if person else None}


@job("tracing.propose_contacts")
def propose_contacts(
    progress,
    investigation: int,
    margin_minutes: float = 0.0,
    close_minutes: float = overlap.DEFAULT_CLOSE_MINUTES,
) -> dict:
    """Search the investigation's venue visits as they stand now and write the proposals."""
    from .models import Investigation
    from .proposals import venue_visits, write_proposals

    target = Investigation.objects.get(pk=investigation)
    parsed = visits_from_params(venue_visits(target), margin_minutes)
    contacts = _search(progress, parsed, close_minutes)
    created = write_proposals(target, contacts, getattr(progress.row, "pk", None))
    return {"visits": len(parsed), "found": len(contacts), "proposed": created}
