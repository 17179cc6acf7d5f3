"""Report cards: opened with the case, kept in step with it, filled in and filed.

A card is opened by the case's own report (``handlers``, in its transaction) together with the
work item that says when it must be filed: a rule task (``tasks.actions.work``) owned by the
county, due at the diagnosis time plus the time limit in force (``deadlines``), which escalates
like any overdue task. Filing the card with the national system's card number closes the task.
A reclassified case leaves its filed card due for revision (订正); a voided case (核减) voids its
card and closes its task, since nothing is left to file.

``do_update_card`` and ``do_file_card`` are the writes people make (form, API); the extract
import files through ``file_card`` too, inside its own transaction.
"""

import datetime
import re

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.cases.models import Case
from pingji.core import clock
from pingji.core.access import ensure_allowed
from pingji.core.actions import (
    Conflict,
    aware,
    conflict,
    error,
    field_errors,
    local_date,
    locked,
    record_on,
)
from pingji.core.events import record_events
from pingji.core.messages import message
from pingji.geo.drills import county_code
from pingji.geo.models import Jurisdiction
from pingji.protocols.reporting import TimeLimit, time_limit
from pingji.tasks.actions.rule_tasks import do_close_rule_tasks, issue_rule_tasks, rule_task

from ..choices import Occupation
from ..contracts import CARD_FILED
from ..models import CARD_NUMBER_LENGTH, ReportCard

TASK_KIND = "exchange.direct-report"
CARD_NUMBER = re.compile(rf"^[0-9A-Za-z-]{{1,{CARD_NUMBER_LENGTH}}}$")


def open_cards(reported: list[tuple[Case, object]]) -> list[ReportCard]:
    """The cards of newly reported cases (each with the actor who reported it) and their filing
    tasks; run in the reports' transaction. A case whose card exists (an event delivered again)
    keeps it as it is. Cards and tasks are written in one insert each, with one time-limit and
    one county look-up per grid, disease and day, however many cases share them."""
    ids = [case.pk for case, _actor in reported]
    carded = set(ReportCard.objects.filter(case_id__in=ids).values_list("case_id", flat=True))
    fresh = [(case, actor) for case, actor in reported if case.pk not in carded]
    limits: dict[tuple, TimeLimit] = {}
    counties: dict[str, Jurisdiction] = {}
    cards, tasks = [], []
    for case, actor in fresh:
        key = (case.jurisdiction_id, str(case.disease_id), local_date(case.reported_at))
        if key not in limits:
            limits[key] = time_limit(key[0], key[1], case.reported_at)
        limit = limits[key]
        card = ReportCard(
            case=case,
            diagnosed_at=case.reported_at,
            due_at=case.reported_at + limit.delta,
            classification=case.classification,
        )
        cards.append(card)
        tasks.append((card, actor, limit, _county(case, counties)))
    ReportCard.objects.bulk_create(cards)
    record_events(issue_rule_tasks([_filing_task(*task) for task in tasks]))
    return cards


def _filing_task(card: ReportCard, actor, limit: TimeLimit, county: Jurisdiction):
    """The work item to file ``card`` within the time limit, owned by its county."""
    return rule_task(
        card,
        actor=actor,
        owner=county,
        kind=TASK_KIND,
        title=_("File the report card of case %(case)s within %(hours)s hours")
        % {"case": card.case_id, "hours": limit.hours},
        deadline=card.due_at,
        description=limit.clause,
    )


def _county(case: Case, known: dict[str, Jurisdiction]) -> Jurisdiction:
    """The county that files the case's card (``geo.drills.county_code``: a drill sandbox's root
    stands for its county, so a drill's card is never the real county's work); the grid itself
    where the tree stops higher. ``known`` keeps those already looked up."""
    code = county_code(case.jurisdiction)
    if code not in known:
        known[code] = Jurisdiction.objects.filter(code=code).first() or case.jurisdiction
    return known[code]


def follow_case(case: Case, *, actor) -> ReportCard | None:
    """Keep the card's classification the case's; a filed card then shows a revision due."""
    card = ReportCard.objects.filter(case=case).first()
    if card is None or card.classification == case.classification:
        return card
    card.classification = case.classification
    card.save(update_fields=["classification"])
    return card


def void_card(case: Case, *, actor) -> ReportCard | None:
    """The case was voided: its card is void too, and its filing task closed."""
    card = ReportCard.objects.filter(case=case).first()
    if card is None or card.voided_at is not None:
        return card
    card.voided_at = case.voided_at or clock.now()
    card.save(update_fields=["voided_at"])
    do_close_rule_tasks(card, actor=actor, note=_("The case was voided; no card to file."))
    return card


def _checked_update(card: ReportCard, occupation, reporting_unit, diagnosed_at) -> dict:
    errors: dict[str, str] = {}
    changes: dict = {}
    if occupation is not None:
        if occupation not in Occupation.values:
            errors["occupation"] = _("Choose a population group from the card's list.")
        changes["occupation"] = occupation
    if reporting_unit is not None:
        unit = " ".join(str(reporting_unit).split())
        if len(unit) > 200:
            errors["reporting_unit"] = _("At most 200 characters.")
        changes["reporting_unit"] = unit
    if diagnosed_at is not None:
        diagnosed_at = aware(diagnosed_at)
        if diagnosed_at > clock.now():
            errors["diagnosed_at"] = _("The diagnosis time is in the future.")
        elif diagnosed_at < card.case.reported_at - datetime.timedelta(days=30):
            errors["diagnosed_at"] = _("The diagnosis time is long before the case's report.")
        changes["diagnosed_at"] = diagnosed_at
    if errors:
        raise field_errors(errors)
    return changes


def do_update_card(
    card: ReportCard, *, actor, occupation=None, reporting_unit=None, diagnosed_at=None
) -> ReportCard:
    """Fill in the card's own fields (``None``: leave as is); a voided card changes no more."""
    with transaction.atomic():
        card = locked(card, actor, "change", outside=_("This card is outside your area."))
        if card.voided_at is not None:
            raise conflict("case", _("The case was voided; its card changes no more."))
        changes = _checked_update(card, occupation, reporting_unit, diagnosed_at)
        for field, value in changes.items():
            setattr(card, field, value)
        card.save()
        ensure_allowed(actor, card, "change")
    return card


def _number_error(card: ReportCard, number: str) -> None:
    if not CARD_NUMBER.match(number):
        raise error("card_number", _("A card number is letters, digits and hyphens."))
    taken = ReportCard.objects.filter(card_number=number).exclude(pk=card.pk).exists()
    if taken:
        raise error("card_number", _("This card number is on another case's card."), "duplicate")
    if card.card_number and card.card_number != number:
        raise conflict(
            "card_number",
            _("This card was filed as %(number)s.") % {"number": card.card_number},
        )


def file_card(card: ReportCard, *, actor, card_number: str, filed_at, via: str) -> bool:
    """File (or, after a reclassification, re-file) a locked card; False when nothing changed.

    Run inside the caller's transaction: the form's action and the extract import share it.
    """
    number = (card_number or "").strip()
    if card.voided_at is not None:
        raise conflict("case", _("The case was voided; its card is not filed."))
    _number_error(card, number)
    if card.card_number == number and card.filed_classification == card.classification:
        return False
    first = card.filed_at is None
    card.card_number, card.filed_classification = number, card.classification
    if first:
        card.filed_at, card.filed_by = filed_at, actor if getattr(actor, "pk", None) else None
    card.save()
    do_close_rule_tasks(card, actor=actor, note=_("Filed as card %(n)s.") % {"n": number})
    record_on(
        card,
        CARD_FILED,
        message(gettext_noop("Report card %(number)s filed"), {"number": number}),
        actor=actor,
        payload={"card_number": number, "via": via, "at": (card.filed_at or filed_at).isoformat()},
        at=filed_at,
    )
    return True


def do_file_card(
    card: ReportCard,
    *,
    actor,
    card_number: str,
    filed_at=None,
    occupation=None,
    reporting_unit=None,
    diagnosed_at=None,
) -> ReportCard:
    """A person files the card with the number the national system gave it, completing the
    card's own fields in the same transaction (``None``: as they are).

    The national card has those fields, so they must be filled in first; filing the same number
    again changes nothing, and a different number for a filed card is a conflict.
    """
    filed_at = aware(filed_at) if filed_at else clock.now()
    with transaction.atomic():
        card = locked(card, actor, "change", outside=_("This card is outside your area."))
        if card.voided_at is not None:
            raise conflict("case", _("The case was voided; its card is not filed."))
        for field, value in _checked_update(card, occupation, reporting_unit, diagnosed_at).items():
            setattr(card, field, value)
        missing = {
            f: _("Fill this in before filing.")
            for f in ("occupation", "reporting_unit")
            if not getattr(card, f)
        }
        if missing:
            raise field_errors(missing)
        if filed_at > clock.now():
            raise error("filed_at", _("The filing time is in the future."))
        if not file_card(card, actor=actor, card_number=card_number, filed_at=filed_at, via="form"):
            card.save()
        ensure_allowed(actor, card, "change")
    return card


__all__ = [
    "TASK_KIND",
    "Conflict",
    "do_file_card",
    "do_update_card",
    "file_card",
    "follow_case",
    "open_cards",
    "void_card",
]
