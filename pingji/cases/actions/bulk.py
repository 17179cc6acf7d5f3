"""Many case reports at once: a line list of hundreds of cases, through the steps of one report.

``do_report_cases_bulk`` runs each report through the steps ``reports.do_report_case`` runs —
``check_case_facts``, ``plan_report`` (the next episode, or the refusal of an open one) and
``reported_event`` — and differs only in how it reads and writes: the persons' earlier cases in one
query, the rows in one ``bulk_create`` and the events in one ``record_events``, a handful of
queries instead of a dozen per case. Two rules are the batch's own: any bad report refuses the
whole batch with a per-report message, nothing written; and a person reported twice in the batch
is refused on the second report (one by one, the second would meet the first as an open case).

The ``cases.reported`` events carry the same payload and the same time (when the case was
reported) as the action's and run the same subscribers (``core.events.record_events``), and
``bulk_create`` logs every row in the change log as a save would (``core.audit``), so no indicator,
reaction or audit can tell the two paths apart.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pingji.core.context import current_actor, current_request_id
from pingji.core.events import record_events, summary_fields
from pingji.core.models import DomainEvent
from pingji.people.models import Person
from pingji.protocols.models import COVID_19
from pingji.users.models import User

from ..choices import Origin
from ..contracts import REPORTED
from ..models import Case
from .reports import check_case_facts, plan_report, reported_event


@dataclass(frozen=True)
class Report:
    """One line of the batch: who reports whom, and the facts ``do_report_case`` takes."""

    actor: User
    person: Person
    classification: str
    channel: str
    reported_at: datetime.datetime
    severity: str = ""
    onset_date: datetime.date | None = None
    sampled_at: datetime.datetime | None = None
    origin: str = Origin.LOCAL
    disease: str = COVID_19
    notes: str = ""


def _allowed(reports: list[Report]) -> set[tuple[int, int]]:
    """(actor id, person id) pairs where the actor may view the person and add their case: the
    action's two ``ensure_allowed`` checks, read once per actor (a case lies in its person's
    grid, so the person's scope is the case's)."""
    by_actor: dict[int, tuple[User, set[int]]] = {}
    for r in reports:
        by_actor.setdefault(r.actor.pk, (r.actor, set()))[1].add(r.person.pk)
    ok = set()
    for actor_id, (actor, persons) in by_actor.items():
        if actor.has_perm("cases.add_case"):
            seen = Person.objects.restrict(actor, "view").filter(pk__in=persons)
            ok |= {(actor_id, pk) for pk in seen.values_list("pk", flat=True)}
    return ok


def _plan(reports: list[Report], earlier: dict[int, list[Case]]) -> list[Case]:
    """The rows of the batch, each checked and planned as the action does; every refusal is
    collected and the batch refused with all of them, so a line list is corrected in one pass.

    A planned case joins its person's ``earlier`` cases only through ``seen``: a second report of
    the person is refused as a repeat of the batch, as the message says.
    """
    problems: list[tuple[int, str, str]] = []
    cases, seen = [], set()
    for n, r in enumerate(reports, start=1):
        try:
            facts = check_case_facts(
                classification=r.classification,
                severity=r.severity,
                onset_date=r.onset_date,
                sampled_at=r.sampled_at,
                reported_at=r.reported_at,
                channel=r.channel,
                origin=r.origin,
                disease=r.disease,
            )
            case = plan_report(
                actor=r.actor,
                person=r.person,
                facts=facts,
                notes=r.notes,
                earlier=earlier[r.person.pk],
            )
        except ValidationError as exc:
            problems += [(n, f, m) for f, ms in exc.message_dict.items() for m in ms]
            continue
        if r.person.pk in seen:
            problems.append((n, "person", _("The batch reports this person twice.")))
            continue
        seen.add(r.person.pk)
        cases.append(case)
    if problems:
        raise ValidationError(
            [
                ValidationError(
                    _("row %(row)d, %(field)s: %(reason)s"),
                    params={"row": n, "field": f, "reason": reason},
                    code="invalid_row",
                )
                for n, f, reason in problems
            ]
        )
    return cases


def _reported(case: Case, actor, kind: ContentType) -> DomainEvent:
    """The ``cases.reported`` event ``do_report_case`` records (``record_event`` with
    ``at=reported_at``), built to be written with the batch's others."""
    summary, payload = reported_event(case)
    actor = actor if actor is not None else current_actor()
    return DomainEvent(
        kind=REPORTED,
        time=case.reported_at,
        **summary_fields(summary),
        actor=actor if getattr(actor, "pk", None) else None,
        request_id=current_request_id(),
        jurisdiction_code=case.jurisdiction_id,
        content_type=kind,
        object_id=str(case.pk),
        payload=payload,
    )


def do_report_cases_bulk(reports: list[Report]) -> list[Case]:
    """Report every case of the batch, in order, or none (see the module docstring)."""
    reports = list(reports)
    with transaction.atomic():
        persons = [r.person.pk for r in reports]
        Person.objects.select_for_update().filter(pk__in=persons).exists()  # one report at a time
        allowed = _allowed(reports)
        for n, r in enumerate(reports, start=1):
            if (r.actor.pk, r.person.pk) not in allowed:
                raise PermissionDenied(f"report {n}: the person is outside your jurisdiction")
        earlier: dict[int, list[Case]] = defaultdict(list)  # each person's cases
        for case in Case.objects.filter(person_id__in=persons).select_related("person"):
            earlier[case.person_id].append(case)
        cases = _plan(reports, earlier)
        Case.objects.bulk_create(cases)
        kind = ContentType.objects.get_for_model(Case)
        record_events(
            [_reported(case, r.actor, kind) for case, r in zip(cases, reports, strict=True)]
        )
    return cases
