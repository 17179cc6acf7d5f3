"""Reporting a case: the checks and the plan every report goes through, and the one-report action.

A report is checked (the facts together by ``check_case_facts``, the person inside the reporter's
area), planned (``plan_report``: the case row with its episode, or the refusal of a second report
of an open episode) and written with its ``cases.reported`` event (``reported_event``). The
one-report action (``do_report_case``) and the batch (``bulk.do_report_cases_bulk``) run these same
steps and differ only in how they read the persons' earlier cases and write the rows: one at a time
under the person's lock, or a whole line list in a handful of queries. Sharing the steps is what
keeps the two paths from drifting; a property test (``cases/tests/test_bulk_matches_single.py``)
holds them equal.

The event's payload carries the counting facts the daily bulletins count by, so that indicators
sum payloads instead of re-deriving rules:

- a newly reported confirmed case is one new infection and one new confirmed case;
- a newly reported asymptomatic infection is one new infection and one new asymptomatic infection;
- an asymptomatic infection reclassified as confirmed is one new confirmed case but *not* a new
  infection — bulletins of 2021–22 list it as "of which N reclassified from asymptomatic" among the
  new confirmed cases while the infection was already counted on the day it was found
  (``course.do_reclassify_case``);
- a suspected case counts nothing until it is confirmed or found asymptomatic.

The event is dated when the case was reported (``at=reported_at``), the day the bulletins count it
on, while its record time is the clock's now (decision 0030): a line list entered after the fact
keeps each report on its own day.
"""

import datetime
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core import clock
from pingji.core.access import ensure_allowed
from pingji.core.actions import FUTURE_SLACK, aware, conflict, error, field_errors, local_date
from pingji.core.events import record_event
from pingji.core.messages import Message, message
from pingji.people.actions.persons import do_create_person, find_person_by_id_number
from pingji.people.models import Person
from pingji.protocols.models import COVID_19, Disease

from ..choices import INFECTIONS, INSIDE_CONTROL, Channel, Classification, Origin, Outcome, Severity
from ..contracts import REPORTED
from ..models import Case

#: What a new report may say; a case is ruled out only by reclassifying a suspected one.
REPORTABLE = (Classification.CONFIRMED, Classification.ASYMPTOMATIC, Classification.SUSPECTED)


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
    disease: str | None = COVID_19,
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
    - The disease is one the platform has a pack for (decision 0041).
    """
    errors: dict[str, str] = {}
    severity = severity or ""
    disease = getattr(disease, "pk", disease) or COVID_19  # a form hands in the row, or None
    sampled_at, reported_at = aware(sampled_at), aware(reported_at)
    now = clock.now() + FUTURE_SLACK
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
    if not Disease.objects.filter(code=str(disease)[:40]).exists():
        errors["disease"] = _("%(code)r is not a disease known here.") % {"code": str(disease)[:40]}
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
        if reported_at is not None and onset_date > local_date(reported_at):
            errors["onset_date"] = _("Symptom onset cannot be after the report.")
        elif onset_before_sample and sampled_at and onset_date > local_date(sampled_at):
            errors["onset_date"] = _("Symptom onset cannot be after the sampling.")
    if errors:
        raise field_errors(errors)
    return {
        "classification": classification,
        "severity": severity,
        "onset_date": onset_date,
        "sampled_at": sampled_at,
        "reported_at": reported_at,
        "channel": channel,
        "origin": origin,
        "disease_id": disease,
    }


def open_case_among(cases: Iterable[Case], disease: str | None = None) -> Case | None:
    """The latest of one person's ``cases`` (of ``disease``, when given) still in progress (or
    their death), which a new report would double; the batch hands in the cases it read for the
    person, the action reads them. A person may have influenza while recovering from dengue. A
    voided case (核减) was never an episode: it doubles nothing."""
    for case in sorted(cases, key=lambda c: c.episode, reverse=True):
        if disease is not None and case.disease_id != disease:
            continue
        if case.voided_at is not None:
            continue
        if case.is_open or case.outcome == Outcome.DIED:
            return case
    return None


def open_case_of(person: Person, disease: str | None = None) -> Case | None:
    """The person's case (of ``disease``, when given) still in progress (or their death), which
    a new report would double."""
    return open_case_among(Case.objects.filter(person=person), disease)


def duplicate_message(case: Case) -> str:
    return _(
        "%(name)s already has %(case)s (%(classification)s, reported %(date)s); "
        "reclassify or correct that case instead of reporting it again."
    ) % {
        "name": case.person.name,
        "case": case,
        "classification": case.get_classification_display(),
        "date": local_date(case.reported_at).isoformat(),
    }


def plan_report(*, actor, person: Person, facts: dict, notes: str, earlier: list[Case]) -> Case:
    """The case row a checked report writes: the next episode of the person, or a refusal.

    ``earlier`` is every case of the person as it stands (the action reads it under the person's
    lock; the batch reads all its persons' cases in one query). A person with an open case (same
    episode, not recovered) is refused, naming that case: the report is flagged, never counted
    twice. After recovery a new report is the next episode. The row is not saved here, so the
    action saves it and the batch creates all of its rows at once.
    """
    existing = open_case_among(earlier, facts.get("disease_id", COVID_19))
    if existing is not None:
        raise error("person", duplicate_message(existing), "duplicate")
    case = Case(
        person=person,
        jurisdiction_id=person.jurisdiction_id,
        episode=max((c.episode for c in earlier), default=0) + 1,
        reported_by=actor if getattr(actor, "pk", None) else None,
        notes=(notes or "").strip(),
        **facts,
    )
    case.full_clean(exclude=["person", "jurisdiction", "reported_by", "disease"])
    return case


def case_name(case: Case) -> Message:
    """How an event names a case, translated when read (``Case.__str__``'s words)."""
    return message(gettext_noop("Case %(number)s"), {"number": case.pk or "—"})


def reported_event(case: Case) -> tuple[Message, dict]:
    """The summary and payload of a saved case's ``cases.reported`` event (the counting facts)."""
    summary = message(
        gettext_noop("%(case)s reported: %(name)s, %(classification)s"),
        {
            "case": case_name(case),
            "name": case.person.name,
            "classification": Classification(case.classification).label,
        },
    )
    payload = {
        **counting_facts(None, case.classification),
        "classification": case.classification,
        "channel": case.channel,
        "inside_control": case.channel in INSIDE_CONTROL,
        "origin": case.origin,
        "episode": case.episode,
        "disease": case.disease_id,
    }
    return summary, payload


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
    disease: str | None = COVID_19,
    notes: str = "",
) -> Case:
    """Report a case of a person in the actor's area, counted in the person's grid of residence
    (the steps and the refusals are ``check_case_facts`` and ``plan_report``)."""
    ensure_allowed(actor, person, "view")
    facts = check_case_facts(
        classification=classification,
        severity=severity,
        onset_date=onset_date,
        sampled_at=sampled_at,
        reported_at=reported_at,
        channel=channel,
        origin=origin,
        disease=disease,
    )
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()  # one report at a time
        earlier = list(person.cases.all())
        case = plan_report(actor=actor, person=person, facts=facts, notes=notes, earlier=earlier)
        try:
            with transaction.atomic():
                case.save()
        except IntegrityError as exc:  # a concurrent report of the same episode won the race
            raise conflict(
                "person", _("This case was reported a moment ago."), "duplicate"
            ) from exc
        ensure_allowed(actor, case, "add")
        summary, payload = reported_event(case)
        record_event(
            REPORTED,
            summary,
            jurisdiction_code=case.jurisdiction_id,
            subject=case,
            actor=actor,
            at=case.reported_at,  # counted on the day it was reported, as the bulletins count
            payload=payload,
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
            raise error(
                "name",
                _("This identity number is registered to %(name)s.") % {"name": person.name},
                "mismatch",
            )
        return do_report_case(actor=actor, person=person, **facts)
