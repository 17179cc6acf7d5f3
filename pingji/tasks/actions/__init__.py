"""Task actions: the one task mechanism (``work``) and the command work done through it.

Other domains import ``do_create_task``, ``do_issue_rule_task``, ``do_close_rule_tasks`` and the
step actions from here; directives, problem lists, work plans and reviews each turn their work
into tasks with ``do_create_task``, so owners, deadlines, evidence, verification and escalation
are the same everywhere.
"""

from .directives import do_issue_directive
from .plans import do_create_plan_template, do_return_plan, do_save_plan, do_submit_plan
from .problems import ItemRow, do_create_problem_list
from .reviews import do_add_improvement, do_create_review
from .work import (
    EVIDENCE_EXTENSIONS,
    MAX_EVIDENCE_BYTES,
    MAX_EVIDENCE_FILES,
    Refused,
    do_cancel_task,
    do_close_rule_tasks,
    do_create_task,
    do_escalate_overdue,
    do_issue_rule_task,
    do_return_task,
    do_submit_evidence,
    do_verify_task,
    file_error,
    resolve_source,
    sniff,
)

__all__ = [
    "EVIDENCE_EXTENSIONS",
    "MAX_EVIDENCE_BYTES",
    "MAX_EVIDENCE_FILES",
    "ItemRow",
    "Refused",
    "do_add_improvement",
    "do_cancel_task",
    "do_close_rule_tasks",
    "do_create_plan_template",
    "do_create_problem_list",
    "do_create_review",
    "do_create_task",
    "do_escalate_overdue",
    "do_issue_directive",
    "do_issue_rule_task",
    "do_return_plan",
    "do_return_task",
    "do_save_plan",
    "do_submit_evidence",
    "do_submit_plan",
    "do_verify_task",
    "file_error",
    "resolve_source",
    "sniff",
]
