"""From a check-in search to contacts: search an investigation's venues, propose, decide.

``do_search_checkins`` enqueues the job ``tracing.propose_contacts`` with the investigation's venue
visits; the job runs the overlap search (``epi.overlap``, tier by its rule) and writes one
``ProposedContact`` per stay found, with the evidence (which visit, the stay, the overlap). An
epidemiologist then accepts a proposal — it becomes a contact, through the same checks as a
contact typed in — or rejects it with a reason: what a query over the lake finds comes back as a
work item with its provenance, and a person decides (decision 0012).

Persons are matched by the keyed hash the lake stores (``people.Person.id_number_hash`` or
``phone_hash``), without decrypting anything. A stay of someone nobody registered stays a
proposal with its hashes; it is matched again when accepted, so it can be accepted once the
person is registered.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core import clock
from pingji.core.access import ensure_allowed
from pingji.core.actions import aware, conflict, error, locked, record_on
from pingji.core.jobs import enqueue
from pingji.core.messages import message
from pingji.core.models import Job
from pingji.people.models import Person

from ..choices import SEARCH_TIERS, ContactSource, ContactTier, ProposalStatus, Setting
from ..contracts import PROPOSAL_ACCEPTED, PROPOSAL_REJECTED, PROPOSALS_WRITTEN, SEARCH_QUEUED
from ..models import Contact, Investigation, ProposedContact
from ..visits import venue_visits
from .contacts import check_contact, closer_tier, create_contact, tier_identified
from .investigations import investigation_name, locked_investigation
from .secondary import add_household_secondaries

JOB_KIND = "tracing.propose_contacts"


def do_search_checkins(investigation: Investigation, *, actor, margin_minutes: float = 0.0) -> Job:
    """Queue the check-in search of the case's venue visits; the job writes the proposals."""
    if not actor.has_perm("core.add_job"):
        raise PermissionDenied(_("Your role cannot run background jobs."))
    if not 0 <= float(margin_minutes) <= 120:
        raise error("margin_minutes", _("Give a margin between 0 and 120 minutes."))
    with transaction.atomic():
        investigation = locked_investigation(investigation, actor, "change")
        visits = venue_visits(investigation)
        if not visits:
            raise error(
                "exposures",
                _(
                    "Record the venues the case visited first: only places of kind venue have "
                    "check-in logs."
                ),
                "no_venue",
            )
        job = enqueue(
            JOB_KIND,
            {"investigation": investigation.pk, "margin_minutes": float(margin_minutes)},
            actor=actor,
            jurisdiction_code=investigation.jurisdiction_id,
        )
        record_on(
            investigation,
            SEARCH_QUEUED,
            message(
                gettext_noop("%(inv)s: check-in search of %(n)d visit(s) queued"),
                {"inv": investigation_name(investigation), "n": len(visits)},
            ),
            actor=actor,
            payload={"job": job.pk, "visits": len(visits)},
        )
    return job


def match_person(id_hash: str, phone_hash: str) -> Person | None:
    """The registered person with this identity hash, else this phone hash (never decrypted)."""
    if id_hash:
        found = Person.objects.filter(id_number_hash=id_hash).first()
        if found is not None:
            return found
    if phone_hash:
        return Person.objects.filter(phone_hash=phone_hash).order_by("pk").first()
    return None


def write_proposals(
    investigation: Investigation, rows: list[dict], job_id: int | None, tier: str | None = None
) -> int:
    """Store the search's rows as proposals (a stay already proposed is not proposed twice).

    ``tier`` overrides the search's rule (the co-visitors of a close contact are secondary).
    """
    created = 0
    with transaction.atomic():
        exposures = {str(e.pk): e for e in investigation.exposures.all()}
        for row in rows:
            exposure = exposures.get(str(row["visit_id"]))
            id_hash, phone_hash = row.get("id_hash") or "", row.get("phone_hash") or ""
            check_in = aware(datetime.datetime.fromisoformat(row["check_in"]))
            known = ProposedContact.objects.filter(
                investigation=investigation,
                exposure=exposure,
                id_hash=id_hash,
                phone_hash=phone_hash,
                check_in=check_in,
            )
            if known.exists():
                continue
            ProposedContact.objects.create(
                investigation=investigation,
                jurisdiction_id=investigation.jurisdiction_id,
                exposure=exposure,
                venue_id=int(row["venue"]),
                id_hash=id_hash,
                phone_hash=phone_hash,
                person=match_person(id_hash, phone_hash),
                check_in=check_in,
                check_out=aware(datetime.datetime.fromisoformat(row["check_out"])),
                overlap_start=aware(datetime.datetime.fromisoformat(row["overlap_start"])),
                overlap_end=aware(datetime.datetime.fromisoformat(row["overlap_end"])),
                overlap_minutes=float(row["overlap_minutes"]),
                tier=tier or SEARCH_TIERS[row["tier"]],
                job_id=job_id,
            )
            created += 1
        record_on(
            investigation,
            PROPOSALS_WRITTEN,
            message(
                gettext_noop("%(inv)s: %(n)d contact(s) proposed by the check-in search"),
                {"inv": investigation_name(investigation), "n": created},
            ),
            payload={"job": job_id, "proposed": created, "found": len(rows)},
        )
    return created


def _locked_proposal(proposal: ProposedContact, actor) -> ProposedContact:
    fresh = locked(proposal, actor, outside=_("This proposal is outside your area."))
    if fresh.status != ProposalStatus.PROPOSED:
        raise conflict(
            "status",
            _("This proposal is already %(status)s.") % {"status": fresh.get_status_display()},
            "decided",
        )
    return fresh


def do_accept_proposal(
    proposal: ProposedContact, *, actor, setting: str = Setting.VENUE
) -> Contact:
    """Make the proposal a contact (tier as proposed, last exposure = end of the overlap).

    A person already a contact of this investigation (a second stay) keeps one contact: its last
    exposure moves to the later one and its tier to the closer one.
    """
    with transaction.atomic():
        proposal = _locked_proposal(proposal, actor)
        investigation = proposal.investigation
        person = proposal.person or match_person(proposal.id_hash, proposal.phone_hash)
        if person is None:
            raise error(
                "person",
                _(
                    "Nobody registered matches this check-in yet: register the person (identity "
                    "number or phone) and accept again."
                ),
                "unidentified",
            )
        existing = Contact.objects.filter(investigation=investigation, person=person).first()
        if existing is None:
            contact = create_contact(
                investigation,
                actor=actor,
                person=person,
                tier=proposal.tier,
                setting=setting,
                last_exposure_at=proposal.overlap_end,
                source=ContactSource.CHECKIN_SEARCH,
                note=_("check-in at %(venue)s, %(minutes).0f min overlap")
                % {"venue": proposal.venue.name, "minutes": proposal.overlap_minutes},
            )
            if contact.tier == ContactTier.CLOSE_CONTACT and tier_identified(
                investigation.protocol, ContactTier.SECONDARY_CONTACT
            ):  # secondary contacts follow from an accepted close contact (``secondary``)
                add_household_secondaries(contact, actor=actor)
        else:
            contact = existing
            check_contact(investigation, tier=proposal.tier, last_exposure_at=proposal.overlap_end)
            contact.last_exposure_at = max(contact.last_exposure_at, proposal.overlap_end)
            contact.tier = closer_tier(contact.tier, proposal.tier)
            contact.save(update_fields=["last_exposure_at", "tier"])
            ensure_allowed(actor, contact, "change")
        proposal.person, proposal.contact = person, contact
        proposal.status = ProposalStatus.ACCEPTED
        proposal.decided_by, proposal.decided_at = actor, clock.now()
        proposal.save(update_fields=["person", "contact", "status", "decided_by", "decided_at"])
        ensure_allowed(actor, proposal, "change")
        record_on(
            investigation,
            PROPOSAL_ACCEPTED,
            message(
                gettext_noop("%(inv)s: proposed contact %(name)s accepted"),
                {"inv": investigation_name(investigation), "name": person.name},
            ),
            actor=actor,
            payload={"proposal": proposal.pk, "contact": contact.pk},
        )
    return contact


def do_reject_proposal(proposal: ProposedContact, *, actor, reason: str) -> ProposedContact:
    """Set a proposal aside, saying why (protective equipment worn, another floor, …)."""
    reason = (reason or "").strip()
    if not reason:
        raise error("reason", _("Say why this person is not a contact."), "required")
    with transaction.atomic():
        proposal = _locked_proposal(proposal, actor)
        proposal.status, proposal.reason = ProposalStatus.REJECTED, reason[:500]
        proposal.decided_by, proposal.decided_at = actor, clock.now()
        proposal.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        ensure_allowed(actor, proposal, "change")
        record_on(
            proposal.investigation,
            PROPOSAL_REJECTED,
            message(
                gettext_noop("%(inv)s: proposed contact rejected: %(reason)s"),
                {"inv": investigation_name(proposal.investigation), "reason": reason},
            ),
            actor=actor,
            payload={"proposal": proposal.pk},
        )
    return proposal
