"""Secondary contacts (次密接), derived from a close contact by the protocol's own rule.

Under the 8th and 9th editions the contacts of a close contact — from the close contact's exposure
until they were put under control — are secondary contacts; the "20 measures" stopped identifying
them (``rules.secondary_contacts``; a protocol that does not is refused, naming it). Two sources,
as investigations of 2021–22 used them:

* the close contact's household (the members registered with them): added at once, as secondary
  contacts of the same investigation; when a proposed close contact is accepted this runs by
  itself (``do_accept_proposal``);
* the venues the close contact checked in at since their exposure: their stays are read from the
  check-in store and searched like a case's visits (``epi.overlap``), as a background job
  (``jobs.propose_secondary``) whose finds come back as proposals of tier "secondary contact" for
  a person to accept or reject.

A secondary contact living in another county is dispatched there like any contact.
"""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core import clock
from pingji.core.actions import error, record_on
from pingji.core.jobs import enqueue
from pingji.core.messages import message
from pingji.core.models import Job
from pingji.people.models import Person

from ..choices import ContactSource, ContactTier, Setting
from ..contracts import SECONDARY_DERIVED
from ..jobs import SECONDARY_JOB
from ..models import Contact
from .contacts import create_contact, tier_identified
from .investigations import investigation_name, locked_investigation


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
    last = max(at or clock.now(), contact.last_exposure_at)
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
        investigation = locked_investigation(contact.investigation, actor, "change")
        contact = Contact.objects.select_related("person", "investigation").get(pk=contact.pk)
        added = add_household_secondaries(contact, actor=actor, at=at)
        queued = None
        if search and actor.has_perm("core.add_job"):
            end = max(at or clock.now(), contact.last_exposure_at)
            queued = enqueue(
                SECONDARY_JOB,
                {
                    "contact": contact.pk,
                    "start": contact.last_exposure_at.isoformat(),
                    "end": end.isoformat(),
                },
                actor=actor,
                jurisdiction_code=investigation.jurisdiction_id,
            )
        record_on(
            investigation,
            SECONDARY_DERIVED,
            message(
                gettext_noop("%(inv)s: %(n)d secondary contact(s) from the household of %(name)s"),
                {
                    "inv": investigation_name(investigation),
                    "n": len(added),
                    "name": contact.person.name,
                },
            ),
            actor=actor,
            payload={
                "contact": contact.pk,
                "added": len(added),
                "job": queued.pk if queued else None,
            },
        )
    return added, queued
