"""Secondary contacts (次密接), derived from a close contact by the protocol's own rule.

Under the 8th and 9th editions the contacts of a close contact — from the close contact's exposure
until they were put under control — are secondary contacts; the "20 measures" stopped identifying
them (``rules.secondary_contacts``; a protocol that does not is refused, naming it). Two sources,
as investigations of 2021–22 used them:

* the close contact's household (the members registered with them): added at once, as secondary
  contacts of the same investigation; when a proposed close contact is accepted this runs by
  itself (``do_accept_proposal``);
* the venues the close contact checked in at since their exposure: their stays are read from the
  check-in store and searched like a case's visits (``epi.overlap``), as a background job whose
  finds come back as proposals of tier "secondary contact" for a person to accept or reject.

A secondary contact living in another county is dispatched there like any contact.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pingji.core import lake
from pingji.core.jobs import enqueue, job
from pingji.core.models import Job
from pingji.people.models import Person

from .actions import _event, _locked, create_contact, error, tier_identified
from .checkins import DATASET
from .choices import ContactSource, ContactTier, Setting
from .models import Contact

JOB_KIND = "tracing.propose_secondary"


def _require_close(contact: Contact) -> None:
    if contact.tier != ContactTier.CLOSE_CONTACT:
        raise error("tier", _("Secondary contacts follow from a close contact only."), "not_close")
    protocol = contact.investigation.protocol
    if not tier_identified(protocol, ContactTier.SECONDARY_CONTACT):
        raise error(
            "tier",
            _("The protocol applied (%(protocol)s) does not identify secondary contacts.")
            % {"protocol": protocol},
            "not_identified",
        )


def add_household_secondaries(
    contact: Contact, *, actor, at: datetime.datetime | None = None
) -> list[Contact]:
    """Inside the caller's transaction: the close contact's household as secondary contacts.

    Their last exposure is ``at`` (when the close contact was put under control; now by default),
    never before the close contact's own exposure. Persons already contacts of the investigation
    (or the case) are left as they are.
    """
    _require_close(contact)
    investigation = contact.investigation
    household = contact.person.household_id
    if household is None:
        return []
    last = max(at or timezone.now(), contact.last_exposure_at)
    known = set(investigation.contacts.values_list("person_id", flat=True))
    known |= {investigation.case.person_id, contact.person_id}
    added = []
    members = Person.objects.filter(household_id=household).exclude(pk__in=known).order_by("pk")
    for member in members:
        added.append(
            create_contact(
                investigation,
                actor=actor,
                person=member,
                tier=ContactTier.SECONDARY_CONTACT,
                setting=Setting.HOUSEHOLD,
                last_exposure_at=last,
                source=ContactSource.HOUSEHOLD,
                note=_("household of close contact %(name)s") % {"name": contact.person.name},
            )
        )
    return added


def do_derive_secondary_contacts(
    contact: Contact, *, actor, at: datetime.datetime | None = None, search: bool = True
) -> tuple[list[Contact], Job | None]:
    """Add the close contact's household as secondary contacts and (``search``) queue the search
    of the venues they visited since their exposure; returns (contacts added, the search job)."""
    with transaction.atomic():
        investigation = _locked(contact.investigation, actor, "change")
        contact = Contact.objects.select_related("person", "investigation").get(pk=contact.pk)
        added = add_household_secondaries(contact, actor=actor, at=at)
        queued = None
        if search and actor.has_perm("core.add_job"):
            end = max(at or timezone.now(), contact.last_exposure_at)
            queued = enqueue(
                JOB_KIND,
                {
                    "contact": contact.pk,
                    "start": contact.last_exposure_at.isoformat(),
                    "end": end.isoformat(),
                },
                actor=actor,
                jurisdiction_code=investigation.jurisdiction_id,
            )
        _event(
            "secondary_derived",
            _("%(inv)s: %(n)d secondary contact(s) from the household of %(name)s")
            % {"inv": investigation, "n": len(added), "name": contact.person.name},
            investigation,
            actor,
            contact=contact.pk,
            added=len(added),
            job=queued.pk if queued else None,
        )
    return added, queued


def stays_of(person: Person, start: datetime.datetime, end: datetime.datetime) -> list[dict]:
    """The person's check-ins between ``start`` and ``end`` (local wall-clock), by their hashes."""
    from .proposals import local_naive

    hashes = [h for h in (person.id_number_hash, person.phone_hash) if h]
    if not hashes:
        return []
    first = timezone.localtime(start).date() - datetime.timedelta(days=1)
    days = [first + datetime.timedelta(days=n) for n in range((end - start).days + 3)]
    paths = lake.files(DATASET, days)
    if not paths:
        return []
    raw = [bytes.fromhex(h) for h in hashes]  # the dataset keeps hashes as bytes (epi.overlap)
    con = lake.connect()
    try:
        lake.scan(con, DATASET, paths, "c")
        rows = con.execute(
            "SELECT venue, check_in, check_out FROM c "
            "WHERE (list_contains(?, id_hash) OR list_contains(?, phone_hash)) "
            "AND check_out >= CAST(? AS TIMESTAMP) AND check_in <= CAST(? AS TIMESTAMP) "
            "ORDER BY check_in",
            [raw, raw, local_naive(start), local_naive(end)],
        ).fetchall()
    finally:
        con.close()
    return [
        {
            "visit_id": f"secondary-{person.pk}-{n}",
            "venue": str(venue),
            "start": check_in.isoformat(),
            "end": check_out.isoformat(),
        }
        for n, (venue, check_in, check_out) in enumerate(rows)
    ]


@job(JOB_KIND)
def propose_secondary(progress, contact: int, start: str, end: str) -> dict:
    """Search the venues the close contact visited; their co-visitors become proposals of tier
    "secondary contact" (the close contact and the case themselves are left out)."""
    from .jobs import _search, visits_from_params
    from .proposals import write_proposals

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
