"""The course of a reported case: reclassification, severity, outcome and corrections.

Each action runs in one transaction, checks the actor's scope first and again after the write
(docs/architecture.md, "Conventions every app follows": reads through ``restrict``, writes through
actions), and records its event dated when the change happened (``at``; decision 0030), so a
reclassification entered late still counts on its own day. What a reclassification adds to the
bulletin counts is ``reports.counting_facts``: the convention is written once, in ``reports``.
"""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from pingji.core.access import ensure_allowed
from pingji.core.actions import aware, error, local_date, not_in_future
from pingji.core.events import events_for, record_event

from ..choices import INFECTIONS, TRANSITIONS, Classification, Outcome, Severity
from ..contracts import CORRECTED, OUTCOME_RECORDED, RECLASSIFIED, SEVERITY_CHANGED
from ..models import Case
from .reports import check_case_facts, counting_facts

#: The fields ``do_update_case`` corrects; classification and outcome have their own actions.
CORRECTABLE = ("onset_date", "sampled_at", "reported_at", "channel", "origin", "notes")


def _verbose_name(field: str) -> str:
    return str(getattr(Case._meta.get_field(field), "verbose_name", field))


def _check_time(case: Case, field: str, at: datetime.datetime | None) -> datetime.datetime:
    at = aware(at)
    if at is None:
        raise error(field, _("Give the time."), "required")
    not_in_future(at, field)
    if at < case.reported_at:
        raise error(field, _("The time is before the case was reported."))
    return at


def _require_open(case: Case) -> None:
    if not case.is_open:
        raise error(
            "classification",
            _("%(case)s is closed (%(state)s).")
            % {
                "case": case,
                "state": case.get_outcome_display()
                if case.outcome != Outcome.UNDER_TREATMENT
                else case.get_classification_display(),
            },
            "closed",
        )


def _check_reclassification(
    case: Case,
    *,
    classification: str,
    at: datetime.datetime,
    severity: str,
    onset_date: datetime.date | None,
    sampled_at: datetime.datetime | None,
) -> tuple[datetime.datetime, datetime.date | None]:
    """(the time, the onset date) of an allowed move, or the refusal naming its field.

    Apart from the write so that every refusal is decided before anything changes: the move must
    follow ``TRANSITIONS``, a severity change must change something, and the facts the case has
    after the move are checked together as on report, with ``at`` as the moment the infection is
    known (its sample and onset come before it).
    """
    before, before_severity = case.classification, case.severity
    if classification not in TRANSITIONS.get(before, ()):
        raise error(
            "classification",
            _("A %(before)s cannot become a %(after)s.")
            % {
                "before": case.get_classification_display(),
                "after": Classification(classification).label
                if classification in Classification.values
                else classification,
            },
            "transition",
        )
    if before == classification == Classification.CONFIRMED and severity == before_severity:
        raise error("severity", _("The case already has this severity."), "unchanged")
    at = _check_time(case, "at", at)
    onset = onset_date or case.onset_date
    if classification == Classification.CONFIRMED and onset and onset > local_date(at):
        raise error("onset_date", _("Symptom onset cannot be after the reclassification."))
    check_case_facts(
        classification=classification,
        severity=severity,
        onset_date=onset if classification == Classification.CONFIRMED else case.onset_date,
        sampled_at=aware(sampled_at) or case.sampled_at,
        reported_at=at,  # the infection is known from now on: its sample and onset come before
        channel=case.channel,
        origin=case.origin,
        reporting=False,
        onset_before_sample=before != Classification.ASYMPTOMATIC,
    )
    return at, onset


def do_reclassify_case(
    case: Case,
    *,
    actor,
    classification: str,
    at: datetime.datetime,
    severity: str = "",
    onset_date: datetime.date | None = None,
    sampled_at: datetime.datetime | None = None,
) -> Case:
    """Move an open case along ``choices.TRANSITIONS`` (or change a confirmed case's severity).

    The event ``cases.reclassified`` carries what the move adds to the bulletin counts, with
    ``reclassified_from``; a severity change is ``cases.severity_changed`` and counts nothing.
    Becoming confirmed needs a severity and a symptom onset date, and becoming an infection a
    sampling time; either is given here when the case had none.
    """
    ensure_allowed(actor, case, "change")
    _require_open(case)
    before, before_severity = case.classification, case.severity
    at, onset = _check_reclassification(
        case,
        classification=classification,
        at=at,
        severity=severity,
        onset_date=onset_date,
        sampled_at=sampled_at,
    )
    with transaction.atomic():
        case.classification, case.severity = classification, severity or ""
        case.sampled_at = aware(sampled_at) or case.sampled_at
        if classification == Classification.CONFIRMED:
            case.onset_date = onset
        case.save(update_fields=["classification", "severity", "onset_date", "sampled_at"])
        ensure_allowed(actor, case, "change")
        if before == classification:
            kind, summary = SEVERITY_CHANGED, _("%(case)s: severity %(from)s → %(to)s")
            labels = (Severity(before_severity).label, case.get_severity_display())
        else:
            kind, summary = RECLASSIFIED, _("%(case)s reclassified: %(from)s → %(to)s")
            labels = (Classification(before).label, case.get_classification_display())
        record_event(
            kind,
            summary % {"case": case, "from": labels[0], "to": labels[1]},
            jurisdiction_code=case.jurisdiction_id,
            subject=case,
            actor=actor,
            at=at,
            payload={
                **counting_facts(before, classification),
                "reclassified_from": before,
                "classification": classification,
                "severity": case.severity,
                "at": at.isoformat(),
                "disease": case.disease_id,
            },
        )
    return case


def do_record_outcome(case: Case, *, actor, outcome: str, at: datetime.datetime) -> Case:
    """Close an open confirmed or asymptomatic case: recovered/discharged, or died.

    A suspected case is confirmed or ruled out first, so every outcome counted is an infection's.
    """
    ensure_allowed(actor, case, "change")
    _require_open(case)
    if outcome not in (Outcome.RECOVERED, Outcome.DIED):
        raise error("outcome", _("Choose recovered/discharged or died."))
    if case.classification not in INFECTIONS:
        raise error(
            "outcome", _("Confirm or rule out the suspected case first."), "not_an_infection"
        )
    at = _check_time(case, "at", at)
    with transaction.atomic():
        case.outcome, case.outcome_at = outcome, at
        case.save(update_fields=["outcome", "outcome_at"])
        ensure_allowed(actor, case, "change")
        record_event(
            OUTCOME_RECORDED,
            _("%(case)s: %(outcome)s") % {"case": case, "outcome": case.get_outcome_display()},
            jurisdiction_code=case.jurisdiction_id,
            subject=case,
            actor=actor,
            at=at,
            payload={
                "recovered": int(outcome == Outcome.RECOVERED),
                "died": int(outcome == Outcome.DIED),
                "classification": case.classification,
                "at": at.isoformat(),
                "disease": case.disease_id,
            },
        )
    return case


def do_update_case(case: Case, changes: dict, *, actor) -> Case:
    """Correct a case's dates, channel, origin or notes, validated together as on report."""
    ensure_allowed(actor, case, "change")
    unknown = sorted(set(changes) - set(CORRECTABLE))
    if unknown:
        raise error(
            unknown[0],
            _("Change this through reclassification or the outcome instead."),
            "not_correctable",
        )
    merged = {f: changes.get(f, getattr(case, f)) for f in CORRECTABLE if f != "notes"}
    reclassified = events_for(case).filter(kind=RECLASSIFIED).exists()
    facts = check_case_facts(
        classification=case.classification,
        severity=case.severity,
        reporting=False,
        sample_before_report=not reclassified,
        onset_before_sample=not reclassified,
        **merged,
    )
    if case.outcome_at and facts["reported_at"] > case.outcome_at:
        raise error("reported_at", _("The report time is after the case's outcome."))
    changed = [f for f in CORRECTABLE if f in changes and changes[f] != getattr(case, f)]
    with transaction.atomic():
        for field in changed:
            value = facts.get(field, changes[field])
            setattr(case, field, value.strip() if field == "notes" else value)
        case.full_clean(exclude=["person", "jurisdiction", "reported_by"])
        case.save()
        ensure_allowed(actor, case, "change")
        if changed:
            record_event(
                CORRECTED,
                _("%(case)s corrected: %(fields)s")
                % {
                    "case": case,
                    "fields": ", ".join(_verbose_name(f) for f in changed),
                },
                jurisdiction_code=case.jurisdiction_id,
                subject=case,
                actor=actor,
                payload={"fields": changed},
            )
    return case
