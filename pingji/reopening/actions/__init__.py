"""Reopening's writes: one transaction each, a domain event each, scope re-checked before commit.

Refusals follow the house pattern: ``ValidationError`` keyed by field for bad input or a step the
status does not allow (400), ``PermissionDenied`` for anything outside the actor's area (404).
Every step that moves an establishment writes a ``StatusChange`` (the status history the progress
view counts) through ``_move``.
"""

from .liaison import county_of, do_raise_problem, do_save_plan, do_set_target
from .registry import (
    FIELDS,
    MAY_APPLY,
    clean_establishment,
    do_add_member,
    do_close_establishment,
    do_register_establishment,
    do_update_establishment,
)
from .resumption import (
    approval_errors,
    checklist_for,
    do_apply,
    do_decide,
    do_decide_alert,
    do_inspect,
    do_pause,
)
from .surveys import do_answer_survey, do_open_survey, return_errors

__all__ = [
    "FIELDS",
    "MAY_APPLY",
    "approval_errors",
    "checklist_for",
    "clean_establishment",
    "county_of",
    "do_add_member",
    "do_answer_survey",
    "do_apply",
    "do_close_establishment",
    "do_decide",
    "do_decide_alert",
    "do_inspect",
    "do_open_survey",
    "do_pause",
    "do_raise_problem",
    "do_register_establishment",
    "do_save_plan",
    "do_set_target",
    "do_update_establishment",
    "return_errors",
]
