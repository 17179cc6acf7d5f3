"""Opening and working an investigation: deadlines, exposures, completion.

Each action runs in one transaction, checks the actor's scope before the write and again after it
(docs/architecture.md, "Conventions every app follows") and records a domain event on the
investigation. The figures come from the protocol version in force for the case's grid on the day
the case was reported (``protocols.versions.protocol_for``), never from constants here:

- deadlines: ``rules.investigation`` — core facts within ``core_facts_hours`` and the full report
  within ``full_report_hours`` (8th edition: 4 h and 24 h). The clock starts at the case's report:
  that is when the investigation is due to be dispatched (within 30 min by the 8th edition's
  dispatch rule, ``pingji/protocols/data``), so a late opening does not buy extra time.
- look-back: ``rules.lookback`` — close contacts are sought from ``days_before`` days before symptom
  onset, or before sampling for a case without symptoms (8th edition: 2 days). A contact whose
  last exposure falls before that day is refused (``contacts.contact_problems``).

Missed deadlines escalate through the generic task mechanism: opening creates a task of kind
``tracing.investigation`` due at the core-facts deadline, completing the core facts closes it and
issues the report task, completing the report closes that; ``pingji escalate`` climbs overdue ones.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.cases.actions.reports import case_name
from pingji.cases.models import Case
from pingji.core import clock
from pingji.core.access import ensure_allowed
from pingji.core.actions import (
    aware,
    conflict,
    error,
    field_errors,
    in_future,
    local_date,
    locked,
    record_on,
)
from pingji.core.messages import Message, message
from pingji.geo.models import Jurisdiction
from pingji.protocols import rules
from pingji.protocols.versions import NoProtocolInForce, protocol_for
from pingji.tasks.actions.rule_tasks import do_close_rule_tasks, do_issue_rule_task

from ..choices import ContactTier, InvestigationStatus
from ..contracts import CORE_DONE, EXPOSURE_RECORDED, OPENED, REPORTED
from ..models import Exposure, Investigation

TASK_KIND = "tracing.investigation"


def investigation_name(investigation: Investigation) -> Message:
    """How an event names an investigation, translated when read (``Investigation.__str__``)."""
    return message(
        gettext_noop("Investigation of %(case)s"), {"case": case_name(investigation.case)}
    )


def lookback_anchor(case: Case) -> datetime.date:
    """Symptom onset, else the sampling day, else (no sample recorded yet) the report day."""
    if case.onset_date:
        return case.onset_date
    return local_date(case.sampled_at or case.reported_at)


def _task_owner(actor, case: Case) -> Jurisdiction:
    """The investigating level: the actor's own jurisdiction when the case lies in it."""
    code = getattr(actor, "jurisdiction_id", None)
    if code and case.jurisdiction_id.startswith(code):
        return Jurisdiction.objects.get(code=code)
    return case.jurisdiction


def plan_investigation(case: Case, *, actor) -> Investigation:
    """The investigation row a case's protocol calls for, not saved: its deadlines counted from the
    report and its look-back window from onset or sampling (module docstring).

    Apart from the write so the figures are read from the protocol before the case is locked; a
    case reported where no protocol is in force is refused on ``case``.
    """
    try:
        protocol = protocol_for(case.jurisdiction_id, case.reported_at, case.disease_id)
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
    return investigation


def _iso(value: datetime.date | datetime.datetime | None) -> str:
    return value.isoformat() if value else ""


def do_open_investigation(case: Case, *, actor) -> Investigation:
    """Open the one investigation of a case, with the deadlines and look-back of its protocol."""
    ensure_allowed(actor, case, "view")
    investigation = plan_investigation(case, actor=actor)
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()  # one opening at a time
        if Investigation.objects.filter(case=case).exists():
            raise conflict(
                "case", _("%(case)s already has an investigation.") % {"case": case}, "duplicate"
            )
        try:
            with transaction.atomic():
                investigation.save()
        except IntegrityError as exc:
            raise conflict(
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
        record_on(
            investigation,
            OPENED,
            message(
                gettext_noop("%(inv)s opened under %(protocol)s"),
                {"inv": investigation_name(investigation), "protocol": investigation.protocol},
            ),
            actor=actor,
            payload={
                "protocol": investigation.protocol.code,
                "core_due_at": _iso(investigation.core_due_at),
                "report_due_at": _iso(investigation.report_due_at),
                "lookback_from": _iso(investigation.lookback_from),
                "clause": investigation.deadline_clause,
            },
        )
    return investigation


def locked_investigation(investigation: Investigation, actor, action: str) -> Investigation:
    """The investigation re-read and locked for this step, refused outside the actor's area.

    Every step of an investigation (contacts, proposals, secondary contacts) decides on it as it
    stands under the lock, not as the caller loaded it.
    """
    return locked(
        investigation, actor, action, outside=_("This investigation is outside your area.")
    )


def do_complete_core(investigation: Investigation, *, actor, summary: str = "") -> Investigation:
    """Record that the core facts are in; closes the core task and issues the report task."""
    with transaction.atomic():
        investigation = locked_investigation(investigation, actor, "change")
        if investigation.core_done_at is not None:
            raise conflict("status", _("The core facts are already recorded."), "done")
        investigation.core_done_at = clock.now()
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
        record_on(
            investigation,
            CORE_DONE,
            message(
                gettext_noop("%(inv)s: core facts recorded"),
                {"inv": investigation_name(investigation)},
            ),
            actor=actor,
            payload={"late": late},
        )
    return investigation


def do_complete_report(investigation: Investigation, *, actor, summary: str = "") -> Investigation:
    """Record the full report; the core facts come first."""
    with transaction.atomic():
        investigation = locked_investigation(investigation, actor, "change")
        if investigation.core_done_at is None:
            raise error("status", _("Record the core facts first."), "order")
        if investigation.report_done_at is not None:
            raise conflict("status", _("The report is already recorded."), "done")
        investigation.report_done_at = clock.now()
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
        record_on(
            investigation,
            REPORTED,
            message(
                gettext_noop("%(inv)s: report recorded"), {"inv": investigation_name(investigation)}
            ),
            actor=actor,
            payload={"late": late},
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
    elif in_future(ended_at):
        errors["ended_at"] = _("The time is in the future.")
    if errors or started_at is None or ended_at is None:
        raise field_errors(errors)
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
        record_on(
            investigation,
            EXPOSURE_RECORDED,
            message(
                gettext_noop("%(inv)s: exposure at %(place)s"),
                {"inv": investigation_name(investigation), "place": exposure},
            ),
            actor=actor,
            payload={"exposure": exposure.pk},
        )
    return exposure
