"""Reporting cases, reclassifying them and recording their outcome.

Each action runs in one transaction, checks the actor's scope first and again after the write
(handbook, conventions 2-3), and records a domain event whose payload carries the counting facts
the daily bulletins count by, so that indicators sum payloads instead of re-deriving rules:

- a newly reported confirmed case is one new infection and one new confirmed case;
- a newly reported asymptomatic infection is one new infection and one new asymptomatic infection;
- an asymptomatic infection reclassified as confirmed is one new confirmed case but *not* a new
  infection — bulletins of 2021–22 list it as "of which N reclassified from asymptomatic" among the
  new confirmed cases while the infection was already counted on the day it was found;
- a suspected case counts nothing until it is confirmed or found asymptomatic.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from pingji.core.access import ensure_allowed
from pingji.core.events import events_for, record_event
from pingji.people.actions import do_create_person, find_person_by_id_number
from pingji.people.models import Person

from .choices import (
    INFECTIONS,
    INSIDE_CONTROL,
    TRANSITIONS,
    Channel,
    Classification,
    Origin,
    Outcome,
    Severity,
)
from .models import Case

#: Clocks of the reporting systems drift; a report time this far ahead of ours is still "now".
FUTURE_SLACK = datetime.timedelta(minutes=5)
#: What a new report may say; a case is ruled out only by reclassifying a suspected one.
REPORTABLE = (Classification.CONFIRMED, Classification.ASYMPTOMATIC, Classification.SUSPECTED)
#: The fields ``do_update_case`` corrects; classification and outcome have their own actions.
CORRECTABLE = ("onset_date", "sampled_at", "reported_at", "channel", "origin", "notes")


def _error(field: str, message: str, code: str = "invalid") -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _aware(value: datetime.datetime | None) -> datetime.datetime | None:
    """A naive time is read in the platform's zone (Asia/Shanghai), as Chinese forms write it."""
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value, timezone.get_default_timezone())


def _local_date(value: datetime.datetime) -> datetime.date:
    return timezone.localtime(value, timezone.get_default_timezone()).date()


def counting_facts(before: str | None, after: str) -> dict[str, int]:
    """What a move from ``before`` (None: a new report) to ``after`` adds to the bulletin counts.

    An infection, a confirmed case and an asymptomatic infection are each counted once, on the
    first day the case reaches that class; so asymptomatic → confirmed adds a confirmed case and no
    infection (the convention in the module docstring).
    """
    return {
        "new_infection": int(after in INFECTIONS and before not in INFECTIONS),
        "new_confirmed": int(
            after == Classification.CONFIRMED and before != Classification.CONFIRMED
        ),
        "new_asymptomatic": int(
            after == Classification.ASYMPTOMATIC and before != Classification.ASYMPTOMATIC
        ),
    }


def check_case_facts(
    *,
    classification: str,
    severity: str = "",
    onset_date: datetime.date | None = None,
    sampled_at: datetime.datetime | None = None,
    reported_at: datetime.datetime | None = None,
    channel: str = "",
    origin: str = Origin.LOCAL,
    reporting: bool = True,
    sample_before_report: bool = True,
    onset_before_sample: bool = True,
) -> dict:
    """Validate a case's facts together and return them cleaned; every error names its field.

    - A confirmed case has a severity and a symptom onset date (8th edition: confirmed cases are
      symptomatic); an asymptomatic infection has neither; a suspected case has no severity.
    - Confirmed and asymptomatic infections rest on a positive sample, so they have a sampling time.
    - Onset ≤ sampling ≤ report, and nothing lies in the future (a case reported as suspected may
      be sampled after its report: ``sample_before_report=False``; an asymptomatic infection that
      develops symptoms has its onset after its positive sample: ``onset_before_sample=False``).
    - A suspected case may be imported: arrivals are screened and suspected like anyone else.
    """
    errors: dict[str, str] = {}
    severity = severity or ""
    sampled_at, reported_at = _aware(sampled_at), _aware(reported_at)
    now = timezone.now() + FUTURE_SLACK
    allowed = REPORTABLE if reporting else Classification.values
    if classification not in allowed:
        errors["classification"] = _("Choose confirmed, asymptomatic or suspected.")
    if classification == Classification.CONFIRMED:
        if severity not in Severity.values:
            errors["severity"] = _("A confirmed case needs its severity (mild to critical).")
        if onset_date is None:
            errors["onset_date"] = _("A confirmed case needs its symptom onset date.")
    elif severity:
        errors["severity"] = _("Only a confirmed case has a severity.")
    if classification == Classification.ASYMPTOMATIC and onset_date is not None:
        errors["onset_date"] = _(
            "An asymptomatic infection has no symptom onset; report it as confirmed instead."
        )
    if classification in INFECTIONS and sampled_at is None:
        errors["sampled_at"] = _("A positive result needs the time its sample was taken.")
    if channel not in Channel.values:
        errors["channel"] = _("Choose how the case was found.")
    if origin not in Origin.values:
        errors["origin"] = _("Choose local or imported.")
    if reported_at is None:
        errors["reported_at"] = _("Give the report time.")
    elif reported_at > now:
        errors["reported_at"] = _("The report time is in the future.")
    if sampled_at is not None and "sampled_at" not in errors:
        if sampled_at > now:
            errors["sampled_at"] = _("The sampling time is in the future.")
        elif sample_before_report and reported_at is not None and sampled_at > reported_at:
            errors["sampled_at"] = _("The sample cannot be taken after the case was reported.")
    if onset_date is not None and "onset_date" not in errors:
        if reported_at is not None and onset_date > _local_date(reported_at):
            errors["onset_date"] = _("Symptom onset cannot be after the report.")
        elif onset_before_sample and sampled_at and onset_date > _local_date(sampled_at):
            errors["onset_date"] = _("Symptom onset cannot be after the sampling.")
    if errors:
        raise ValidationError({f: ValidationError(m, code="invalid") for f, m in errors.items()})
    return {
        "classification": classification,
        "severity": severity,
        "onset_date": onset_date,
        "sampled_at": sampled_at,
        "reported_at": reported_at,
        "channel": channel,
        "origin": origin,
    }


def open_case_of(person: Person) -> Case | None:
    """The person's case still in progress (or their death), which a new report would double."""
    cases = Case.objects.filter(person=person).order_by("-episode")
    for case in cases:
        if case.is_open or case.outcome == Outcome.DIED:
            return case
    return None


def duplicate_message(case: Case) -> str:
    return _(
        "%(name)s already has %(case)s (%(classification)s, reported %(date)s); "
        "reclassify or correct that case instead of reporting it again."
    ) % {
        "name": case.person.name,
        "case": case,
        "classification": case.get_classification_display(),
        "date": _local_date(case.reported_at).isoformat(),
    }


def do_report_case(
    *,
    actor,
    person: Person,
    classification: str,
    channel: str,
    reported_at: datetime.datetime,
    severity: str = "",
    onset_date: datetime.date | None = None,
    sampled_at: datetime.datetime | None = None,
    origin: str = Origin.LOCAL,
    notes: str = "",
) -> Case:
    """Report a case of a person in the actor's area, counted in the person's grid of residence.

    A person with an open case (same episode, not recovered) is refused, naming that case: the
    report is flagged, never counted twice. After recovery a new report is the next episode.
    """
    ensure_allowed(actor, person, "view")
    facts = check_case_facts(
        classification=classification,
        severity=severity,
        onset_date=onset_date,
        sampled_at=sampled_at,
        reported_at=reported_at,
        channel=channel,
        origin=origin,
    )
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()  # one report at a time
        existing = open_case_of(person)
        if existing is not None:
            raise _error("person", duplicate_message(existing), "duplicate")
        last = Case.objects.filter(person=person).aggregate(n=Max("episode"))["n"] or 0
        case = Case(
            person=person,
            jurisdiction_id=person.jurisdiction_id,
            episode=last + 1,
            reported_by=actor if getattr(actor, "pk", None) else None,
            notes=(notes or "").strip(),
            **facts,
        )
        case.full_clean(exclude=["person", "jurisdiction", "reported_by"])
        try:
            with transaction.atomic():
                case.save()
        except IntegrityError as exc:  # a concurrent report of the same episode won the race
            raise _error("person", _("This case was reported a moment ago."), "duplicate") from exc
        ensure_allowed(actor, case, "add")
        record_event(
            "cases.reported",
            _("%(case)s reported: %(name)s, %(classification)s")
            % {
                "case": case,
                "name": person.name,
                "classification": case.get_classification_display(),
            },
            jurisdiction_code=case.jurisdiction_id,
            subject=case,
            actor=actor,
            payload={
                **counting_facts(None, case.classification),
                "classification": case.classification,
                "channel": case.channel,
                "inside_control": case.channel in INSIDE_CONTROL,
                "origin": case.origin,
                "episode": case.episode,
            },
        )
    return case


def do_report_case_for_identity(
    *,
    actor,
    id_number: str,
    name: str = "",
    phone: str = "",
    jurisdiction=None,
    **facts,
) -> Case:
    """Report a case of the person holding ``id_number``, registering them in ``jurisdiction``
    (a grid) first if nobody in the actor's area holds it; both writes or neither.

    A name that differs from the registered one is refused: one of the two is wrong, and a case
    must not land on the wrong person.
    """
    with transaction.atomic():
        person = find_person_by_id_number(actor, id_number)
        if person is None:
            person = do_create_person(
                actor=actor, name=name, id_number=id_number, phone=phone, jurisdiction=jurisdiction
            )
        elif name and name.strip() != person.name:
            raise _error(
                "name",
                _("This identity number is registered to %(name)s.") % {"name": person.name},
                "mismatch",
            )
        return do_report_case(actor=actor, person=person, **facts)


def _verbose_name(field: str) -> str:
    return str(getattr(Case._meta.get_field(field), "verbose_name", field))


def _check_time(case: Case, field: str, at: datetime.datetime | None) -> datetime.datetime:
    at = _aware(at)
    if at is None:
        raise _error(field, _("Give the time."), "required")
    if at > timezone.now() + FUTURE_SLACK:
        raise _error(field, _("The time is in the future."))
    if at < case.reported_at:
        raise _error(field, _("The time is before the case was reported."))
    return at


def _require_open(case: Case) -> None:
    if not case.is_open:
        raise _error(
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
    if classification not in TRANSITIONS.get(before, ()):
        raise _error(
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
        raise _error("severity", _("The case already has this severity."), "unchanged")
    at = _check_time(case, "at", at)
    onset = onset_date or case.onset_date
    if classification == Classification.CONFIRMED and onset and onset > _local_date(at):
        raise _error("onset_date", _("Symptom onset cannot be after the reclassification."))
    check_case_facts(
        classification=classification,
        severity=severity,
        onset_date=onset if classification == Classification.CONFIRMED else case.onset_date,
        sampled_at=_aware(sampled_at) or case.sampled_at,
        reported_at=at,  # the infection is known from now on: its sample and onset come before
        channel=case.channel,
        origin=case.origin,
        reporting=False,
        onset_before_sample=before != Classification.ASYMPTOMATIC,
    )
    with transaction.atomic():
        case.classification, case.severity = classification, severity or ""
        case.sampled_at = _aware(sampled_at) or case.sampled_at
        if classification == Classification.CONFIRMED:
            case.onset_date = onset
        case.save(update_fields=["classification", "severity", "onset_date", "sampled_at"])
        ensure_allowed(actor, case, "change")
        if before == classification:
            kind, summary = "cases.severity_changed", _("%(case)s: severity %(from)s → %(to)s")
        else:
            kind, summary = "cases.reclassified", _("%(case)s reclassified: %(from)s → %(to)s")
        labels = (
            (Severity(before_severity).label, case.get_severity_display())
            if before == classification
            else (Classification(before).label, case.get_classification_display())
        )
        record_event(
            kind,
            summary % {"case": case, "from": labels[0], "to": labels[1]},
            jurisdiction_code=case.jurisdiction_id,
            subject=case,
            actor=actor,
            payload={
                **counting_facts(before, classification),
                "reclassified_from": before,
                "classification": classification,
                "severity": case.severity,
                "at": at.isoformat(),
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
        raise _error("outcome", _("Choose recovered/discharged or died."))
    if case.classification not in INFECTIONS:
        raise _error(
            "outcome", _("Confirm or rule out the suspected case first."), "not_an_infection"
        )
    at = _check_time(case, "at", at)
    with transaction.atomic():
        case.outcome, case.outcome_at = outcome, at
        case.save(update_fields=["outcome", "outcome_at"])
        ensure_allowed(actor, case, "change")
        record_event(
            "cases.outcome_recorded",
            _("%(case)s: %(outcome)s") % {"case": case, "outcome": case.get_outcome_display()},
            jurisdiction_code=case.jurisdiction_id,
            subject=case,
            actor=actor,
            payload={
                "recovered": int(outcome == Outcome.RECOVERED),
                "died": int(outcome == Outcome.DIED),
                "classification": case.classification,
                "at": at.isoformat(),
            },
        )
    return case


def do_update_case(case: Case, changes: dict, *, actor) -> Case:
    """Correct a case's dates, channel, origin or notes, validated together as on report."""
    ensure_allowed(actor, case, "change")
    unknown = sorted(set(changes) - set(CORRECTABLE))
    if unknown:
        raise _error(
            unknown[0],
            _("Change this through reclassification or the outcome instead."),
            "not_correctable",
        )
    merged = {f: changes.get(f, getattr(case, f)) for f in CORRECTABLE if f != "notes"}
    reclassified = events_for(case).filter(kind="cases.reclassified").exists()
    facts = check_case_facts(
        classification=case.classification,
        severity=case.severity,
        reporting=False,
        sample_before_report=not reclassified,
        onset_before_sample=not reclassified,
        **merged,
    )
    if case.outcome_at and facts["reported_at"] > case.outcome_at:
        raise _error("reported_at", _("The report time is after the case's outcome."))
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
                "cases.corrected",
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
