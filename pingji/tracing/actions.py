"""Opening and working an investigation: deadlines, exposures, contacts, completion.

Each action runs in one transaction, checks the actor's scope before the write and again after it
(handbook, conventions 2-3) and records a domain event on the investigation. The figures come from
the protocol version in force for the case's grid on the day the case was reported
(``protocols.versions.protocol_for``), never from constants here:

- deadlines: ``rules.investigation`` — core facts within ``core_facts_hours`` and the full report
  within ``full_report_hours`` (8th edition: 4 h and 24 h). The clock starts at the case's report:
  that is when the investigation is due to be dispatched (30 min, PROTOCOLS.md "dispatch"), so a
  late opening does not buy extra time.
- look-back: ``rules.lookback`` — close contacts are sought from ``days_before`` days before symptom
  onset, or before sampling for a case without symptoms (8th edition: 2 days). A contact whose
  last exposure falls before that day is refused.

Missed deadlines escalate through the generic task mechanism: opening creates a task of kind
``tracing.investigation`` due at the core-facts deadline, completing the core facts closes it and
issues the report task, completing the report closes that; ``pingji escalate`` climbs overdue ones.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pingji.cases.models import Case
from pingji.core.access import ensure_allowed
from pingji.core.events import record_event
from pingji.geo.models import Jurisdiction
from pingji.people.models import Person
from pingji.protocols import rules
from pingji.protocols.versions import NoProtocolInForce, protocol_for
from pingji.tasks.actions import do_close_rule_tasks, do_issue_rule_task

from .choices import ContactSource, ContactTier, InvestigationStatus, Setting
from .dispatching import do_dispatch_person, open_dispatch_of
from .models import Contact, Exposure, Investigation

__all__ = [
    "do_open_investigation",
    "do_complete_core",
    "do_complete_report",
    "do_record_exposure",
    "do_add_contact",
    "do_dispatch_person",
    "create_contact",
    "dispatch_if_elsewhere",
]

TASK_KIND = "tracing.investigation"
#: Clocks drift; a time this far ahead of ours is still "now" (as cases.actions).
FUTURE_SLACK = datetime.timedelta(minutes=5)


def error(field: str, message: str, code: str = "invalid") -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def aware(value: datetime.datetime | None) -> datetime.datetime | None:
    """A naive time is read in the platform's zone (Asia/Shanghai), as forms and logs write it."""
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value, timezone.get_default_timezone())


def local_date(value: datetime.datetime) -> datetime.date:
    return timezone.localtime(value, timezone.get_default_timezone()).date()


def lookback_anchor(case: Case) -> datetime.date:
    """Symptom onset, else the sampling day, else (no sample recorded yet) the report day."""
    if case.onset_date:
        return case.onset_date
    return local_date(case.sampled_at or case.reported_at)


def tier_identified(protocol, tier: str) -> bool:
    """Whether the protocol still identifies contacts of this tier (none do under Class B)."""
    if tier == ContactTier.SPATIOTEMPORAL_COMPANION:
        return rules.companion(protocol).identified
    if tier == ContactTier.SECONDARY_CONTACT:
        return rules.secondary_contacts(protocol)
    return rules.lookback(protocol, tier).identified


def _event(kind: str, summary: str, investigation: Investigation, actor, **payload) -> None:
    record_event(
        f"tracing.{kind}",
        summary,
        jurisdiction_code=investigation.jurisdiction_id,
        subject=investigation,
        actor=actor,
        payload=payload,
    )


def _task_owner(actor, case: Case) -> Jurisdiction:
    """The investigating level: the actor's own jurisdiction when the case lies in it."""
    code = getattr(actor, "jurisdiction_id", None)
    if code and case.jurisdiction_id.startswith(code):
        return Jurisdiction.objects.get(code=code)
    return case.jurisdiction


def do_open_investigation(case: Case, *, actor) -> Investigation:
    """Open the one investigation of a case, with the deadlines and look-back of its protocol."""
    ensure_allowed(actor, case, "view")
    try:
        protocol = protocol_for(case.jurisdiction_id, case.reported_at)
    except NoProtocolInForce as exc:
        raise error("case", str(exc), "no_protocol") from exc
    deadlines = rules.investigation(protocol)
    window = rules.lookback(protocol, ContactTier.CLOSE_CONTACT)
    investigation = Investigation(
        case=case,
        jurisdiction_id=case.jurisdiction_id,
        protocol=protocol,
        opened_by=actor if getattr(actor, "pk", None) else None,
        deadline_clause=deadlines.clause[:300],
        lookback_clause=window.clause[:300],
    )
    if deadlines.applies and deadlines.core_facts_hours:
        hours = datetime.timedelta(hours=deadlines.core_facts_hours)
        investigation.core_due_at = case.reported_at + hours
    if deadlines.applies and deadlines.full_report_hours:
        hours = datetime.timedelta(hours=deadlines.full_report_hours)
        investigation.report_due_at = case.reported_at + hours
    if window.identified:
        anchor = lookback_anchor(case)
        investigation.lookback_from = anchor - datetime.timedelta(days=window.days_before)
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()  # one opening at a time
        if Investigation.objects.filter(case=case).exists():
            raise error(
                "case", _("%(case)s already has an investigation.") % {"case": case}, "duplicate"
            )
        try:
            with transaction.atomic():
                investigation.save()
        except IntegrityError as exc:
            raise error(
                "case", _("This investigation was opened a moment ago."), "duplicate"
            ) from exc
        ensure_allowed(actor, investigation, "add")
        if investigation.core_due_at:
            do_issue_rule_task(
                investigation,
                actor=actor,
                owner=_task_owner(actor, case),
                kind=TASK_KIND,
                title=_("%(inv)s: core facts") % {"inv": investigation},
                deadline=investigation.core_due_at,
                description=investigation.deadline_clause,
            )
        _event(
            "opened",
            _("%(inv)s opened under %(protocol)s") % {"inv": investigation, "protocol": protocol},
            investigation,
            actor,
            protocol=protocol.code,
            core_due_at=investigation.core_due_at.isoformat() if investigation.core_due_at else "",
            report_due_at=(
                investigation.report_due_at.isoformat() if investigation.report_due_at else ""
            ),
            lookback_from=(
                investigation.lookback_from.isoformat() if investigation.lookback_from else ""
            ),
            clause=investigation.deadline_clause,
        )
    return investigation


def _locked(investigation: Investigation, actor, action: str) -> Investigation:
    fresh = (
        Investigation.objects.restrict(actor, action)
        .select_for_update()
        .filter(pk=investigation.pk)
        .first()
    )
    if fresh is None:
        raise PermissionDenied(_("This investigation is outside your area."))
    return fresh


def do_complete_core(investigation: Investigation, *, actor, summary: str = "") -> Investigation:
    """Record that the core facts are in; closes the core task and issues the report task."""
    with transaction.atomic():
        investigation = _locked(investigation, actor, "change")
        if investigation.core_done_at is not None:
            raise error("status", _("The core facts are already recorded."), "done")
        investigation.core_done_at = timezone.now()
        investigation.status = InvestigationStatus.CORE_DONE
        if summary.strip():
            investigation.summary = summary.strip()
        investigation.save(update_fields=["core_done_at", "status", "summary"])
        ensure_allowed(actor, investigation, "change")
        do_close_rule_tasks(investigation, actor=actor, note=_("Core facts recorded."))
        if investigation.report_due_at:
            do_issue_rule_task(
                investigation,
                actor=actor,
                owner=_task_owner(actor, investigation.case),
                kind=TASK_KIND,
                title=_("%(inv)s: report") % {"inv": investigation},
                deadline=investigation.report_due_at,
                description=investigation.deadline_clause,
            )
        late = bool(
            investigation.core_due_at and investigation.core_done_at > investigation.core_due_at
        )
        _event(
            "core_done",
            _("%(inv)s: core facts recorded") % {"inv": investigation},
            investigation,
            actor,
            late=late,
        )
    return investigation


def do_complete_report(investigation: Investigation, *, actor, summary: str = "") -> Investigation:
    """Record the full report; the core facts come first."""
    with transaction.atomic():
        investigation = _locked(investigation, actor, "change")
        if investigation.core_done_at is None:
            raise error("status", _("Record the core facts first."), "order")
        if investigation.report_done_at is not None:
            raise error("status", _("The report is already recorded."), "done")
        investigation.report_done_at = timezone.now()
        investigation.status = InvestigationStatus.REPORTED
        if summary.strip():
            investigation.summary = summary.strip()
        investigation.save(update_fields=["report_done_at", "status", "summary"])
        ensure_allowed(actor, investigation, "change")
        do_close_rule_tasks(investigation, actor=actor, note=_("Report recorded."))
        late = bool(
            investigation.report_due_at
            and investigation.report_done_at > investigation.report_due_at
        )
        _event(
            "reported",
            _("%(inv)s: report recorded") % {"inv": investigation},
            investigation,
            actor,
            late=late,
        )
    return investigation


def do_record_exposure(
    investigation: Investigation,
    *,
    actor,
    started_at: datetime.datetime | None,
    ended_at: datetime.datetime | None,
    place=None,
    place_text: str = "",
    note: str = "",
) -> Exposure:
    """Record a place the case visited, from when to when (a known place, or free text)."""
    ensure_allowed(actor, investigation, "view")
    started_at, ended_at = aware(started_at), aware(ended_at)
    place_text = (place_text or "").strip()
    errors: dict[str, str] = {}
    if place is None and not place_text:
        errors["place"] = _("Choose a place or describe it.")
    if started_at is None:
        errors["started_at"] = _("Give the time the case arrived.")
    if ended_at is None:
        errors["ended_at"] = _("Give the time the case left.")
    elif started_at and ended_at < started_at:
        errors["ended_at"] = _("The case cannot leave before arriving.")
    elif ended_at > timezone.now() + FUTURE_SLACK:
        errors["ended_at"] = _("The time is in the future.")
    if errors or started_at is None or ended_at is None:
        raise ValidationError({f: ValidationError(m, code="invalid") for f, m in errors.items()})
    exposure = Exposure(
        investigation=investigation,
        jurisdiction_id=investigation.jurisdiction_id,
        place=place,
        place_text=place_text,
        started_at=started_at,
        ended_at=ended_at,
        note=(note or "").strip(),
    )
    exposure.full_clean(exclude=["investigation", "jurisdiction", "place"])
    with transaction.atomic():
        exposure.save()
        ensure_allowed(actor, exposure, "add")
        _event(
            "exposure_recorded",
            _("%(inv)s: exposure at %(place)s") % {"inv": investigation, "place": exposure},
            investigation,
            actor,
            exposure=exposure.pk,
        )
    return exposure


def check_contact(
    investigation: Investigation, *, tier: str, last_exposure_at: datetime.datetime | None
) -> datetime.datetime:
    """The tier must still be identified and the last exposure inside the look-back window."""
    last = aware(last_exposure_at)
    protocol = investigation.protocol
    if tier not in ContactTier.values:
        raise error("tier", _("Choose close, secondary or spatiotemporal companion."))
    if not tier_identified(protocol, tier):
        raise error(
            "tier",
            _("The protocol applied (%(protocol)s) does not identify %(tier)s any more.")
            % {"protocol": protocol, "tier": ContactTier(tier).label},
            "not_identified",
        )
    if last is None:
        raise error("last_exposure_at", _("Give the time of the last exposure."), "required")
    if last > timezone.now() + FUTURE_SLACK:
        raise error("last_exposure_at", _("The time is in the future."))
    start = investigation.lookback_from
    if start is not None and local_date(last) < start:
        window = rules.lookback(protocol, ContactTier.CLOSE_CONTACT)
        raise error(
            "last_exposure_at",
            _(
                "The last exposure (%(day)s) is before the look-back window, which starts on "
                "%(start)s: %(days)d days before symptom onset or sampling (%(clause)s)."
            )
            % {
                "day": local_date(last).isoformat(),
                "start": start.isoformat(),
                "days": window.days_before,
                "clause": investigation.lookback_clause,
            },
            "before_lookback",
        )
    return last


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
    """Write a contact inside the caller's transaction (checks, event; no scope check on person)."""
    last = check_contact(investigation, tier=tier, last_exposure_at=last_exposure_at)
    if setting not in Setting.values:
        raise error("setting", _("Choose where the exposure happened."))
    if person.pk == investigation.case.person_id:
        raise error("person", _("The case is not a contact of itself."), "self")
    if Contact.objects.filter(investigation=investigation, person=person).exists():
        raise error(
            "person",
            _("%(name)s is already a contact in this investigation.") % {"name": person.name},
            "duplicate",
        )
    contact = Contact(
        investigation=investigation,
        jurisdiction_id=investigation.jurisdiction_id,
        person=person,
        tier=tier,
        setting=setting,
        last_exposure_at=last,
        source=source,
        accepted_by=actor if getattr(actor, "pk", None) else None,
        note=(note or "").strip()[:500],
    )
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError as exc:
        raise error("person", _("This contact was added a moment ago."), "duplicate") from exc
    ensure_allowed(actor, contact, "add")
    dispatch_if_elsewhere(contact, actor=actor)
    _event(
        "contact_added",
        _("%(inv)s: %(name)s added as %(tier)s")
        % {"inv": investigation, "name": person.name, "tier": contact.get_tier_display()},
        investigation,
        actor,
        contact=contact.pk,
        tier=tier,
        setting=setting,
        source=source,
        last_exposure_at=last.isoformat(),
    )
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
        _locked(investigation, actor, "view")
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


def dispatch_if_elsewhere(contact: Contact, *, actor):
    """A contact living in another county is pushed there at once (协查), unless already pending.

    Inside the caller's transaction. A role that cannot dispatch leaves it to someone who can (the
    contact list shows who still lives elsewhere undispatched).
    """
    home = contact.person.jurisdiction_id[:6]
    can = getattr(actor, "has_perm", None)
    if home == contact.jurisdiction_id[:6] or not can or not can("tracing.add_dispatch"):
        return None
    if open_dispatch_of(contact.person, home) is not None:
        return None
    return do_dispatch_person(
        contact.person,
        to_jurisdiction=contact.person.jurisdiction,  # its county, or a drill's sandbox
        reason=_("%(tier)s of %(case)s")
        % {"tier": contact.get_tier_display(), "case": contact.investigation.case},
        source=contact,
        actor=actor,
    )
