"""Background jobs of the tracing app: the check-in search (``checkin_store``) with progress.

Visits are searched in batches so the job row shows how far it got; each batch is one query over
only the days its visits touch. The result holds every proposed contact with its evidence; what
becomes a contact work item is decided by a person reading it:
``tracing.propose_contacts`` runs the same search for an investigation and stores the result as
proposals to accept or reject (``actions.proposals``), and ``tracing.propose_secondary`` does the
same for the venues a close contact visited (``actions.secondary``).
"""

import datetime

from pingji.core.jobs import job
from pingji.epi import overlap
from pingji.protocols import rules
from pingji.tracing import checkin_store

BATCH = 250
#: The search of a close contact's venues (``actions.secondary.do_derive_secondary_contacts``).
SECONDARY_JOB = "tracing.propose_secondary"


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
        table = checkin_store.search(batch, close_minutes=close_minutes)
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


def close_minutes_under(protocol) -> float:
    """How long an overlap at one venue must last to propose a close contact under ``protocol``:
    its companion rule's minutes in a cell (a venue is far smaller than a cell, ``epi.overlap``),
    else epi's default where the protocol names none (Class B identifies no companions)."""
    return float(rules.companion(protocol).min_minutes_in_cell or overlap.DEFAULT_CLOSE_MINUTES)


@job("tracing.propose_contacts")
def propose_contacts(
    progress,
    investigation: int,
    margin_minutes: float = 0.0,
    close_minutes: float | None = None,
) -> dict:
    """Search the investigation's venue visits as they stand now and write the proposals; an
    overlap is read as close by the protocol the investigation is under, unless told otherwise."""
    from .actions.proposals import write_proposals
    from .models import Investigation
    from .visits import venue_visits

    target = Investigation.objects.select_related("protocol").get(pk=investigation)
    parsed = visits_from_params(venue_visits(target), margin_minutes)
    if close_minutes is None:
        close_minutes = close_minutes_under(target.protocol)
    contacts = _search(progress, parsed, close_minutes)
    created = write_proposals(target, contacts, getattr(progress.row, "pk", None))
    return {"visits": len(parsed), "found": len(contacts), "proposed": created}


@job(SECONDARY_JOB)
def propose_secondary(progress, contact: int, start: str, end: str) -> dict:
    """Search the venues the close contact visited; their co-visitors become proposals of tier
    "secondary contact" (the close contact and the case themselves are left out)."""
    from .actions.proposals import write_proposals
    from .choices import ContactTier
    from .models import Contact
    from .visits import stays_of

    target = Contact.objects.select_related("person", "investigation__case__person").get(pk=contact)
    visits = stays_of(
        target.person,
        datetime.datetime.fromisoformat(start),
        datetime.datetime.fromisoformat(end),
    )
    found = _search(progress, visits_from_params(visits), close_minutes=0.0)
    skip = {
        h
        for p in (target.person, target.investigation.case.person)
        for h in (p.id_number_hash, p.phone_hash)
        if h
    }
    rows = [
        r
        for r in found
        if (r.get("id_hash") or "") not in skip and (r.get("phone_hash") or "") not in skip
    ]
    created = write_proposals(
        target.investigation,
        rows,
        getattr(progress.row, "pk", None),
        tier=ContactTier.SECONDARY_CONTACT,
    )
    return {"visits": len(visits), "found": len(found), "proposed": created}
