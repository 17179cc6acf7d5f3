"""Many case reports at once: a line list of hundreds of cases, as ``do_report_case`` writes each.

``do_report_cases_bulk`` applies the rules of ``actions.do_report_case`` to a whole batch with a
handful of queries instead of a dozen per case: every report is checked first (the facts by
``check_case_facts``, the person inside the reporter's area, no open case of the person — nor a
second report of the same person in the batch) and any bad report refuses the batch with a
per-report message, nothing written. Episodes continue each person's own numbering. The
``cases.reported`` events carry the same payload as the action's, and run the same subscribers
(``core.events.record_events``), so no indicator or reaction can tell the two paths apart. Like
every bulk write it leaves no change-log rows (``core.audit``): the events are the record.

Each report may say when it was recorded (``recorded_at``, the event's time): a line list entered
after the fact keeps the historical moment of each report, as the demo's replay needs.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pingji.core.context import current_request_id
from pingji.core.events import record_events
from pingji.core.models import DomainEvent
from pingji.people.models import Person
from pingji.users.models import User

from .actions import check_case_facts, counting_facts, duplicate_message
from .choices import INSIDE_CONTROL, Origin, Outcome
from .models import Case


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
    notes: str = ""
    recorded_at: datetime.datetime | None = None


def _allowed(reports: list[Report]) -> set[tuple[int, int]]:
    """(actor id, person id) pairs where the actor may view the person and add their case (the
    action's two ``ensure_allowed`` checks; a case lies in its person's grid)."""
    by_actor: dict[int, tuple[User, set[int]]] = {}
    for r in reports:
        by_actor.setdefault(r.actor.pk, (r.actor, set()))[1].add(r.person.pk)
    ok = set()
    for actor_id, (actor, persons) in by_actor.items():
        if actor.has_perm("cases.add_case"):
            seen = Person.objects.restrict(actor, "view").filter(pk__in=persons)
            ok |= {(actor_id, pk) for pk in seen.values_list("pk", flat=True)}
    return ok


def _event(case: Case, report: Report, kind: ContentType) -> DomainEvent:
    """The ``cases.reported`` event ``do_report_case`` records."""
    return DomainEvent(
        kind="cases.reported",
        time=report.recorded_at or timezone.now(),
        summary=str(
            _("%(case)s reported: %(name)s, %(classification)s")
            % {
                "case": case,
                "name": report.person.name,
                "classification": case.get_classification_display(),
            }
        )[:300],
        actor=report.actor if getattr(report.actor, "pk", None) else None,
        request_id=current_request_id(),
        jurisdiction_code=case.jurisdiction_id,
        content_type=kind,
        object_id=str(case.pk),
        payload={
            **counting_facts(None, case.classification),
            "classification": case.classification,
            "channel": case.channel,
            "inside_control": case.channel in INSIDE_CONTROL,
            "origin": case.origin,
            "episode": case.episode,
        },
    )


def do_report_cases_bulk(reports: list[Report]) -> list[Case]:
    """Report every case of the batch, in order, or none (see the module docstring)."""
    reports = list(reports)
    with transaction.atomic():
        persons = [r.person.pk for r in reports]
        Person.objects.select_for_update().filter(pk__in=persons).exists()  # one report at a time
        allowed = _allowed(reports)
        earlier: dict[int, list[Case]] = defaultdict(list)  # each person's cases, by episode
        for case in (
            Case.objects.filter(person_id__in=persons).select_related("person").order_by("episode")
        ):
            earlier[case.person_id].append(case)
        problems, cases, seen = [], [], set()
        for n, r in enumerate(reports, start=1):
            if (r.actor.pk, r.person.pk) not in allowed:
                raise PermissionDenied(f"report {n}: the person is outside your jurisdiction")
            try:
                facts = check_case_facts(
                    classification=r.classification,
                    severity=r.severity,
                    onset_date=r.onset_date,
                    sampled_at=r.sampled_at,
                    reported_at=r.reported_at,
                    channel=r.channel,
                    origin=r.origin,
                )
            except ValidationError as exc:
                problems += [(n, f, m) for f, ms in exc.message_dict.items() for m in ms]
                continue
            open_ = [c for c in earlier[r.person.pk] if c.is_open or c.outcome == Outcome.DIED]
            if open_:
                problems.append((n, "person", duplicate_message(open_[-1])))
                continue
            if r.person.pk in seen:
                problems.append((n, "person", _("The batch reports this person twice.")))
                continue
            seen.add(r.person.pk)
            case = Case(
                person=r.person,
                jurisdiction_id=r.person.jurisdiction_id,
                episode=earlier[r.person.pk][-1].episode + 1 if earlier[r.person.pk] else 1,
                reported_by=r.actor if getattr(r.actor, "pk", None) else None,
                notes=(r.notes or "").strip(),
                **facts,
            )
            case.full_clean(exclude=["person", "jurisdiction", "reported_by"])
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
        Case.objects.bulk_create(cases)
        kind = ContentType.objects.get_for_model(Case)
        record_events([_event(case, r, kind) for case, r in zip(cases, reports, strict=True)])
    return cases
