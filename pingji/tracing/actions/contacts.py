"""Contacts of an investigation: the checks and the plan every contact goes through, and the
one-contact writers.

A contact is checked (``contact_problems``: the protocol still identifies the tier, the last
exposure lies inside the investigation's look-back window and not in the future, the setting is
known, the person is not the case), planned (``plan_contact``: the row) and written with its
``tracing.contact_added`` event (``contact_added_event``); one living in another county is
dispatched there at once (``dispatch_region``, then ``dispatch.do_dispatch_person``). The
one-contact writer (``create_contact``) and the batch of a check-in search
(``bulk.do_add_contacts_bulk``) run these same steps and differ in how they read and write — one
row at a time, or thousands in a handful of queries — and in what the batch is for: it collapses
repeated rows of a person and updates a contact already there instead of refusing it (``bulk``).
Sharing the steps is what keeps the two from drifting; a property test
(``tracing/tests/test_bulk_matches_single.py``) holds them equal.
"""

import datetime
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core.access import ensure_allowed
from pingji.core.actions import aware, conflict, error, in_future, local_date, record_on
from pingji.core.messages import Message, message
from pingji.people.models import Person
from pingji.protocols import rules

from ..choices import TIER_RANK, ContactSource, ContactTier, Setting
from ..contracts import CONTACT_ADDED
from ..models import Contact, Dispatch, Investigation
from .dispatch import do_dispatch_person, may_dispatch, open_dispatch_of
from .investigations import investigation_name, locked_investigation

#: One reason to refuse a contact: (field, message, code), as ``core.actions.error`` takes them.
Problem = tuple[str, str, str]

_RANK = {str(t): n for n, t in enumerate(TIER_RANK)}


def tier_identified(protocol, tier: str) -> bool:
    """Whether the protocol still identifies contacts of this tier (none do under Class B)."""
    if tier == ContactTier.SPATIOTEMPORAL_COMPANION:
        return rules.companion(protocol).identified
    if tier == ContactTier.SECONDARY_CONTACT:
        return rules.secondary_contacts(protocol)
    return rules.lookback(protocol, tier).identified


def closer_tier(a: str, b: str) -> str:
    """The closer of two tiers (close before secondary before companion): a person met twice is
    followed as the closer contact of the two meetings."""
    return a if _RANK.get(a, 99) <= _RANK.get(b, 99) else b


def _tier_problems(protocol, tier: str, identified: Callable[[object, str], bool]) -> list[Problem]:
    if tier not in ContactTier.values:
        return [("tier", _("Choose close, secondary or spatiotemporal companion."), "invalid")]
    if not identified(protocol, tier):
        message = _("The protocol applied (%(protocol)s) does not identify %(tier)s any more.") % {
            "protocol": protocol,
            "tier": ContactTier(tier).label,
        }
        return [("tier", message, "not_identified")]
    return []


def _exposure_problems(
    investigation: Investigation, last: datetime.datetime | None
) -> list[Problem]:
    if last is None:
        return [("last_exposure_at", _("Give the time of the last exposure."), "required")]
    if in_future(last):
        return [("last_exposure_at", _("The time is in the future."), "invalid")]
    start = investigation.lookback_from
    if start is not None and local_date(last) < start:
        window = rules.lookback(investigation.protocol, ContactTier.CLOSE_CONTACT)
        message = _(
            "The last exposure (%(day)s) is before the look-back window, which starts on "
            "%(start)s: %(days)d days before symptom onset or sampling (%(clause)s)."
        ) % {
            "day": local_date(last).isoformat(),
            "start": start.isoformat(),
            "days": window.days_before,
            "clause": investigation.lookback_clause,
        }
        return [("last_exposure_at", message, "before_lookback")]
    return []


def contact_problems(
    investigation: Investigation,
    *,
    person_id: int | None,
    tier: str,
    setting: str,
    last_exposure_at: datetime.datetime | None,
    identified: Callable[[object, str], bool] = tier_identified,
) -> list[Problem]:
    """Every reason to refuse this contact, in the order the one-contact writer names the first.

    A list rather than a raise so the batch can report every bad row at once; ``identified`` lets
    it ask the protocol once per tier instead of once per row.
    """
    last = aware(last_exposure_at)
    problems = _tier_problems(investigation.protocol, tier, identified)
    problems += _exposure_problems(investigation, last)
    if setting not in Setting.values:
        problems.append(("setting", _("Choose where the exposure happened."), "invalid"))
    if person_id == investigation.case.person_id:
        problems.append(("person", _("The case is not a contact of itself."), "self"))
    return problems


def check_contact(
    investigation: Investigation, *, tier: str, last_exposure_at: datetime.datetime | None
) -> datetime.datetime:
    """The tier must still be identified and the last exposure inside the look-back window."""
    last = aware(last_exposure_at)
    problems = _tier_problems(investigation.protocol, tier, tier_identified)
    problems += _exposure_problems(investigation, last)
    if problems or last is None:
        raise error(*problems[0])
    return last


def plan_contact(
    investigation: Investigation,
    *,
    actor,
    person: Person,
    tier: str,
    setting: str,
    last_exposure_at: datetime.datetime,
    source: str,
    note: str,
) -> Contact:
    """The row of a checked contact, not saved: the one-contact writer saves it, the batch creates
    all of its rows at once."""
    return Contact(
        investigation=investigation,
        jurisdiction_id=investigation.jurisdiction_id,
        person=person,
        tier=tier,
        setting=setting,
        last_exposure_at=last_exposure_at,
        source=source,
        accepted_by=actor if getattr(actor, "pk", None) else None,
        note=(note or "").strip()[:500],
    )


def contact_added_event(
    contact: Contact, investigation: Message | None = None
) -> tuple[Message, dict]:
    """The summary and payload of a saved contact's ``tracing.contact_added`` event (recorded on
    its investigation); ``investigation``: its name, when the caller wrote it once for many."""
    summary = message(
        gettext_noop("%(inv)s: %(name)s added as %(tier)s"),
        {
            "inv": investigation or investigation_name(contact.investigation),
            "name": contact.person.name,
            "tier": ContactTier(contact.tier).label,  # get_tier_display rebuilds the choices
        },
    )
    payload = {
        "contact": contact.pk,
        "tier": contact.tier,
        "setting": contact.setting,
        "source": contact.source,
        "last_exposure_at": contact.last_exposure_at.isoformat(),
    }
    return summary, payload


def dispatch_region(contact: Contact, actor) -> str | None:
    """The county a new contact is dispatched to (协查): where they live, when that is not the
    investigating county and the actor's role may dispatch; None otherwise.

    A role that cannot dispatch leaves it to someone who can (the contact list shows who still
    lives elsewhere undispatched).
    """
    home = contact.person.jurisdiction_id[:6]
    if home == contact.jurisdiction_id[:6] or not may_dispatch(actor):
        return None
    return home


def dispatch_reason(contact: Contact) -> str:
    """Why a contact is dispatched, as the receiving county reads it."""
    return str(
        _("%(tier)s of %(case)s")
        % {"tier": contact.get_tier_display(), "case": contact.investigation.case}
    )


def dispatch_if_elsewhere(contact: Contact, *, actor) -> Dispatch | None:
    """A contact living in another county is pushed there at once (协查), unless already pending.

    Inside the caller's transaction (``dispatch_region`` says who is dispatched).
    """
    region = dispatch_region(contact, actor)
    if region is None or open_dispatch_of(contact.person, region) is not None:
        return None
    return do_dispatch_person(
        contact.person,
        to_jurisdiction=contact.person.jurisdiction,  # its county, or a drill's sandbox
        reason=dispatch_reason(contact),
        source=contact,
        actor=actor,
    )


def create_contact(
    investigation: Investigation,
    *,
    actor,
    person: Person,
    tier: str,
    setting: str,
    last_exposure_at: datetime.datetime,
    source: str = ContactSource.MANUAL,
    note: str = "",
) -> Contact:
    """Write a contact inside the caller's transaction (checks, dispatch, event; no scope check on
    the person: a contact of a check-in search may live anywhere, and is dispatched there)."""
    problems = contact_problems(
        investigation,
        person_id=person.pk,
        tier=tier,
        setting=setting,
        last_exposure_at=last_exposure_at,
    )
    if problems:
        raise error(*problems[0])
    if Contact.objects.filter(investigation=investigation, person=person).exists():
        raise error(
            "person",
            _("%(name)s is already a contact in this investigation.") % {"name": person.name},
            "duplicate",
        )
    contact = plan_contact(
        investigation,
        actor=actor,
        person=person,
        tier=tier,
        setting=setting,
        last_exposure_at=aware(last_exposure_at),
        source=source,
        note=note,
    )
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError as exc:
        raise conflict("person", _("This contact was added a moment ago."), "duplicate") from exc
    ensure_allowed(actor, contact, "add")
    dispatch_if_elsewhere(contact, actor=actor)
    summary, payload = contact_added_event(contact)
    record_on(investigation, CONTACT_ADDED, summary, actor=actor, payload=payload)
    return contact


def do_add_contact(
    investigation: Investigation,
    *,
    actor,
    person: Person,
    tier: str,
    setting: str,
    last_exposure_at: datetime.datetime,
    source: str = ContactSource.MANUAL,
    note: str = "",
) -> Contact:
    """Add a person the actor can see as a contact; refused before the look-back or twice."""
    ensure_allowed(actor, investigation, "view")
    ensure_allowed(actor, person, "view")
    with transaction.atomic():
        locked_investigation(investigation, actor, "view")
        return create_contact(
            investigation,
            actor=actor,
            person=person,
            tier=tier,
            setting=setting,
            last_exposure_at=last_exposure_at,
            source=source,
            note=note,
        )
