"""Creating a problem list: every item checked first, then the list, its items and their tasks."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core import clock
from pingji.core.access import ensure_allowed
from pingji.core.actions import record_on
from pingji.core.importing import REASON_CHARS, redact
from pingji.core.messages import message
from pingji.geo.models import Jurisdiction

from ..choices import TaskKind
from ..contracts import PROBLEM_LIST_ISSUED
from ..models import ProblemItem, ProblemList, Task
from .issuing import below_error, future_error, issuer_of, require
from .work import do_create_task


@dataclass
class ItemRow:
    """One problem as entered or imported; ``row`` is its line in the source (for errors)."""

    row: int
    jurisdiction: Jurisdiction | None
    problem: str
    measures: str
    deadline: object


def row_error(row: int | None, column: str, message: str) -> dict:
    """One problem of an item, by row and column as a ledger import shows it; the message is
    redacted (identity and phone numbers masked, cut short), since it may quote a pasted cell."""
    return {"row": row, "column": column, "message": redact(message, REASON_CHARS)}


def check_items(issuer: Jurisdiction, items: list[ItemRow], now) -> list[dict]:
    """Every item's problems as ``{"row", "column", "message"}``; empty when all are good."""
    errors = []
    seen: dict[tuple[str, str], int] = {}
    for item in items:
        if item.jurisdiction is None:
            errors.append(row_error(item.row, _("responsible unit"), _("Name the unit.")))
        else:
            message = below_error(issuer, item.jurisdiction)
            if message:
                errors.append(row_error(item.row, _("responsible unit"), message))
        if not (item.problem or "").strip():
            errors.append(row_error(item.row, _("problem"), _("Describe the problem.")))
        if not (item.measures or "").strip():
            errors.append(row_error(item.row, _("measures"), _("Say how it is to be rectified.")))
        message = future_error(item.deadline, now)
        if message:
            errors.append(row_error(item.row, _("deadline"), message))
        key = (getattr(item.jurisdiction, "code", ""), (item.problem or "").strip())
        if key[1] and key in seen:
            errors.append(
                row_error(
                    item.row,
                    _("problem"),
                    _("The same problem for the same unit is already on row %(row)d.")
                    % {"row": seen[key]},
                )
            )
        seen.setdefault(key, item.row)
    return errors


def do_create_problem_list(
    *,
    actor,
    title: str,
    inspection: str,
    inspected_on,
    items: list[ItemRow],
    jurisdiction: Jurisdiction | None = None,
    now=None,
) -> ProblemList:
    """Record an inspection's problem list; each item becomes a rectification task (整改).

    The issuing level (the actor's, or one inside it) verifies each rectification: it closes the
    item (对账销号) or sends it back. Any bad item — a missing unit, a unit outside the issuing
    level, a past deadline, a duplicate — is refused with its row and column, and nothing is
    written (``ValidationError({"items": [...]})``, each message prefixed by its row).
    """
    now = now or clock.now()
    require(actor, "tasks.add_problemlist", _("Your role does not issue problem lists."))
    issuer = issuer_of(actor, jurisdiction)
    _check_list(
        issuer, title=title, inspection=inspection, inspected_on=inspected_on, items=items, now=now
    )
    with transaction.atomic():
        problem_list = ProblemList(
            jurisdiction=issuer,
            title=title.strip(),
            inspection=inspection.strip(),
            inspected_on=inspected_on,
            created_by=actor,
            created_at=now,
        )
        problem_list.full_clean()
        problem_list.save()
        ensure_allowed(actor, problem_list, "add")
        # _check_list refused every row without a unit, so each row now has one.
        placed = [(item, item.jurisdiction) for item in items if item.jurisdiction is not None]
        _issue_items(problem_list, placed, actor=actor, now=now)
        record_on(
            problem_list,
            PROBLEM_LIST_ISSUED,
            message(
                gettext_noop("Problem list issued with %(n)d items: %(title)s"),
                {"n": len(items), "title": problem_list.title},
            ),
            actor=actor,
            payload={"items": len(items), "units": sorted({unit.code for _item, unit in placed})},
            at=now,
            jurisdiction_code=issuer.code,
        )
    return problem_list


def _check_list(issuer: Jurisdiction, *, title, inspection, inspected_on, items, now) -> None:
    """Refuse the list with every problem at once: its own fields, then each item by row.

    An item's problems are prefixed by its row (``row 3, deadline: …``), as an import shows them,
    so a list typed in a form and one read from a ledger are corrected the same way.
    """
    errors: dict[str, list[str]] = {}
    if not (title or "").strip():
        errors["title"] = [_("Give the list a title.")]
    if not (inspection or "").strip():
        errors["inspection"] = [_("Say who inspected.")]
    if inspected_on is None:
        errors["inspected_on"] = [_("Give the date of the inspection.")]
    if not items:
        errors["items"] = [_("The list has no problems in it.")]
    row_errors = check_items(issuer, items, now)
    if row_errors:
        errors["items"] = [
            _("row %(row)s, %(column)s: %(message)s") % e if e["row"] else e["message"]
            for e in row_errors
        ]
    if errors:
        raise ValidationError(errors)


def _issue_items(problem_list: ProblemList, placed: list[tuple], *, actor, now) -> None:
    """Each item becomes a rectification task of its unit, and the task points at its item.

    The task is created first (its checks and event are the task mechanism's), then the item that
    holds it; the task's source is set to the item afterwards, so verifying the task is read as
    closing that item (对账销号).
    """
    item_type = ContentType.objects.get_for_model(ProblemItem)
    for number, (item, unit) in enumerate(placed, start=1):
        task = do_create_task(
            actor=actor,
            title=_("Rectify: %(problem)s") % {"problem": item.problem.strip()[:180]},
            jurisdiction=unit,
            deadline=item.deadline,  # made aware by do_create_task
            kind=TaskKind.RECTIFICATION,
            description=item.measures.strip(),
            now=now,
        )
        row = ProblemItem.objects.create(
            problem_list=problem_list,
            number=number,
            jurisdiction=unit,
            problem=item.problem.strip(),
            measures=item.measures.strip(),
            deadline=task.deadline,
            task=task,
        )
        Task.objects.filter(pk=task.pk).update(source_type=item_type, source_id=str(row.pk))
