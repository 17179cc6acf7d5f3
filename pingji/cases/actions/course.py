"""The course of a reported case: reclassification, severity, outcome, corrections and voiding.

Each action runs in one transaction, checks the actor's scope first and again after the write
(docs/architecture.md, "Conventions every app follows": reads through ``restrict``, writes through
actions), and records its event dated when the change happened (``at``; decision 0030), so a
reclassification entered late still counts on its own day. What a reclassification adds to the
bulletin counts is ``reports.counting_facts``: the convention is written once, in ``reports``.

Two corrections undo what was counted, each on its own day and never on the days before it
(nothing looks back), as the bulletins print them:

- a confirmed case whose diagnosis is revised (订正) becomes an asymptomatic infection: the
  confirmed total loses it (``revised_confirmed``) and the asymptomatic total gains it on that day
  (unless it was counted asymptomatic before), the infection total is unchanged — the mirror of
  asymptomatic → confirmed, which adds a confirmed case and no infection;
- a case reported in error is voided (核减, ``do_void_case``): every total loses what the case had
  added to it (``counted_so_far``) on the day of the void, which is the clock's day — a void
  cannot be back-dated. The case stays on record, marked voided, and no longer holds the person's
  episode open.

Moving between confirmed and asymptomatic, either way, needs a reason, as a void does.
"""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core import clock
from pingji.core.access import ensure_allowed
from pingji.core.actions import aware, conflict, error, local_date, locked, not_in_future
from pingji.core.events import events_for, record_event
from pingji.core.messages import message

from ..choices import (
    INFECTIONS,
    REASON_MAX_LENGTH,
    REASONED_MOVES,
    TRANSITIONS,
    Classification,
    Outcome,
    ReclassificationReason,
    Severity,
    VoidReason,
)
from ..contracts import (
    CORRECTED,
    OUTCOME_RECORDED,
    RECLASSIFIED,
    REPORTED,
    SEVERITY_CHANGED,
    VOIDED,
)
from ..models import Case
from .reports import case_name, check_case_facts, counting_facts

#: The fields ``do_update_case`` corrects; classification and outcome have their own actions.
CORRECTABLE = ("onset_date", "sampled_at", "reported_at", "channel", "origin", "notes")


def _check_time(case: Case, field: str, at: datetime.datetime | None) -> datetime.datetime:
    at = aware(at)
    if at is None:
        raise error(field, _("Give the time."), "required")
    not_in_future(at, field)
    if at < case.reported_at:
        raise error(field, _("The time is before the case was reported."))
    return at


def _refuse_voided(case: Case) -> None:
    """A voided case (核减) is kept as it was voided: nothing of it changes any more."""
    if case.voided_at is not None:
        raise conflict(
            "case",
            _("%(case)s was voided on %(day)s and can no longer be changed.")
            % {"case": case, "day": local_date(case.voided_at).isoformat()},
            "voided",
        )


def checked_reason(
    reason: object, text: object, accepted: frozenset[str] | list[str]
) -> tuple[str, str]:
    """(the reason's code, the words given with it), or the refusal naming ``reason`` or
    ``reason_text``: the code is one of ``accepted``; "other" needs words; the words are plain
    text of at most ``REASON_MAX_LENGTH`` characters."""
    code = reason.strip() if isinstance(reason, str) else ""
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise error("reason_text", _("Give the reason as text."))
    words = text.strip()
    if not code:
        raise error("reason", _("Give the reason."), "required")
    if code not in accepted:
        raise error("reason", _("Choose one of the reasons offered."), "invalid_choice")
    if len(words) > REASON_MAX_LENGTH:
        raise error(
            "reason_text",
            _("Say it in at most %(n)d characters.") % {"n": REASON_MAX_LENGTH},
            "max_length",
        )
    if "\x00" in words:
        raise error("reason_text", _("The text contains a character that cannot be stored."))
    if code == "other" and not words:
        raise error("reason_text", _("Say why, in words."), "required")
    return code, words


def counted_so_far(case: Case) -> dict[str, int]:
    """What the case's report and reclassifications have added to each bulletin total, as it
    stands: infections, confirmed cases (less a revision to asymptomatic) and asymptomatic
    infections. A void subtracts exactly this; a case written without events adds nothing."""
    totals = {"infection": 0, "confirmed": 0, "asymptomatic": 0}
    payloads = events_for(case).filter(kind__in=[REPORTED, RECLASSIFIED])
    for payload in payloads.values_list("payload", flat=True):
        payload = payload or {}
        totals["infection"] += int(payload.get("new_infection") or 0)
        totals["confirmed"] += int(payload.get("new_confirmed") or 0)
        totals["confirmed"] -= int(payload.get("revised_confirmed") or 0)
        totals["asymptomatic"] += int(payload.get("new_asymptomatic") or 0)
    return totals


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
    if classification == Classification.CONFIRMED:
        onset_after = onset
    elif classification == Classification.ASYMPTOMATIC and before == Classification.CONFIRMED:
        onset_after = None  # a revised diagnosis: the symptoms were not the infection's
    else:
        onset_after = case.onset_date
    check_case_facts(
        classification=classification,
        severity=severity,
        onset_date=onset_after,
        sampled_at=aware(sampled_at) or case.sampled_at,
        reported_at=at,  # the infection is known from now on: its sample and onset come before
        channel=case.channel,
        origin=case.origin,
        reporting=False,
        onset_before_sample=before != Classification.ASYMPTOMATIC,
    )
    return at, onset


def _reclassification_reason(
    before: str, after: str, reason: str | None, reason_text: str
) -> tuple[str, str]:
    """The checked reason of a move: required between confirmed and asymptomatic (either way,
    among the reasons ``REASONED_MOVES`` accepts for it), kept when given for any other move."""
    accepted = REASONED_MOVES.get((before, after))
    if accepted is None:
        if not reason:
            return "", ""
        return checked_reason(reason, reason_text, ReclassificationReason.values)
    if reason and reason in ReclassificationReason.values and reason not in accepted:
        raise error(
            "reason",
            _("%(reason)s is not a reason for this reclassification.")
            % {"reason": ReclassificationReason(reason).label},
            "invalid_choice",
        )
    return checked_reason(reason, reason_text, accepted)


def reclassification_facts(case: Case, before: str, after: str) -> dict[str, int]:
    """What a move adds to the bulletin totals (``reports.counting_facts``), and for a confirmed
    case revised to asymptomatic (订正) the confirmed case it takes back (``revised_confirmed``,
    when the confirmed total holds it); an infection counted asymptomatic once is not counted
    asymptomatic again."""
    facts = counting_facts(before, after)
    revised = 0
    if before == Classification.CONFIRMED and after == Classification.ASYMPTOMATIC:
        counted = counted_so_far(case)
        revised = int(counted["confirmed"] > 0)
        if counted["asymptomatic"] > 0:
            facts["new_asymptomatic"] = 0
    return {**facts, "revised_confirmed": revised}


def do_reclassify_case(
    case: Case,
    *,
    actor,
    classification: str,
    at: datetime.datetime,
    severity: str = "",
    onset_date: datetime.date | None = None,
    sampled_at: datetime.datetime | None = None,
    reason: str | None = None,
    reason_text: str = "",
) -> Case:
    """Move an open case along ``choices.TRANSITIONS`` (or change a confirmed case's severity).

    The event ``cases.reclassified`` carries what the move adds to the bulletin counts, with
    ``reclassified_from`` (``reclassification_facts``); a severity change is
    ``cases.severity_changed`` and counts nothing. Becoming confirmed needs a severity and a
    symptom onset date, and becoming an infection a sampling time; either is given here when the
    case had none. A confirmed case revised to asymptomatic (订正) loses its severity and onset.
    Between confirmed and asymptomatic, either way, a ``reason`` is required
    (``choices.REASONED_MOVES``; "other" with ``reason_text``).
    """
    ensure_allowed(actor, case, "change")
    _refuse_voided(case)
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
    reason, reason_text = _reclassification_reason(before, classification, reason, reason_text)
    with transaction.atomic():
        _refuse_voided(locked(case, actor, "change"))  # not voided meanwhile
        facts = reclassification_facts(case, before, classification)
        case.classification, case.severity = classification, severity or ""
        case.sampled_at = aware(sampled_at) or case.sampled_at
        if classification == Classification.CONFIRMED:
            case.onset_date = onset
        elif before == Classification.CONFIRMED:  # revised: the symptoms were not the infection's
            case.onset_date = None
        case.save(update_fields=["classification", "severity", "onset_date", "sampled_at"])
        ensure_allowed(actor, case, "change")
        if before == classification:
            kind, summary = SEVERITY_CHANGED, gettext_noop("%(case)s: severity %(from)s → %(to)s")
            labels = (
                Severity(before_severity).label,
                case.severity and Severity(case.severity).label,
            )
        else:
            kind, summary = RECLASSIFIED, gettext_noop("%(case)s reclassified: %(from)s → %(to)s")
            labels = (Classification(before).label, Classification(classification).label)
        text = message(summary, {"case": case_name(case), "from": labels[0], "to": labels[1]})
        if reason:
            text = message(
                gettext_noop("%(event)s · %(reason)s"),
                {"event": text, "reason": ReclassificationReason(reason).label},
            )
        record_event(
            kind,
            text,
            jurisdiction_code=case.jurisdiction_id,
            subject=case,
            actor=actor,
            at=at,
            payload={
                **facts,
                "reclassified_from": before,
                "classification": classification,
                "severity": case.severity,
                "at": at.isoformat(),
                "disease": case.disease_id,
                "reason": reason,
                "reason_text": reason_text,
            },
        )
    return case


def do_void_case(case: Case, *, actor, reason: str, reason_text: str = "") -> Case:
    """Void a case reported in error (核减): duplicate report, misdiagnosis, not a local case, or
    another reason said in words.

    The case is kept, marked voided with its reason, and changes no more; it no longer holds the
    person's episode open, so a new report of the person is a new case. Its event
    ``cases.voided`` is dated now (the void is counted on the day it is made, never back-dated)
    and carries what the case had added to each total (``counted_so_far``), which the totals
    lose from that day while the days before keep what they showed. A case already voided is a
    conflict, whoever voided it.
    """
    ensure_allowed(actor, case, "change")
    reason, reason_text = checked_reason(reason, reason_text, VoidReason.values)
    at = clock.now()
    with transaction.atomic():
        case = locked(case, actor, "change")
        if case.voided_at is not None:
            raise conflict(
                "case",
                _("%(case)s was already voided on %(day)s.")
                % {"case": case, "day": local_date(case.voided_at).isoformat()},
                "voided",
            )
        counted = counted_so_far(case)
        under_treatment = case.outcome == Outcome.UNDER_TREATMENT
        case.voided_at, case.void_reason, case.void_note = at, reason, reason_text
        case.save(update_fields=["voided_at", "void_reason", "void_note"])
        record_event(
            VOIDED,
            message(
                gettext_noop("%(case)s voided: %(reason)s"),
                {"case": case_name(case), "reason": VoidReason(reason).label},
            ),
            jurisdiction_code=case.jurisdiction_id,
            subject=case,
            actor=actor,
            at=at,
            payload={
                "voided_infection": counted["infection"],
                "voided_confirmed": counted["confirmed"],
                "voided_asymptomatic": counted["asymptomatic"],
                "left_treatment": counted["infection"] if under_treatment else 0,
                "classification": case.classification,
                "reason": reason,
                "reason_text": reason_text,
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
    _refuse_voided(case)
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
            message(
                gettext_noop("%(case)s: %(outcome)s"),
                {"case": case_name(case), "outcome": Outcome(outcome).label},
            ),
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
    """Correct a case's dates, channel, origin or notes, validated together as on report; a
    voided case is kept as it was voided."""
    ensure_allowed(actor, case, "change")
    _refuse_voided(case)
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
                message(
                    gettext_noop("%(case)s corrected: %(fields)s"),
                    {
                        "case": case_name(case),
                        "fields": [_label(f) for f in changed],
                    },
                ),
                jurisdiction_code=case.jurisdiction_id,
                subject=case,
                actor=actor,
                payload={"fields": changed},
            )
    return case


def _label(name: str):
    """A case field's label, lazy: translated for each reader of the correction's event."""
    return getattr(Case._meta.get_field(name), "verbose_name", name)
