"""What the tasks domain tells the others: its event kinds and their payloads.

A task's life is one event per step (created, submitted, verified, returned, cancelled, escalated),
on the task and in its owner's jurisdiction, so every level above sees it. The command work done
through tasks (directives, problem lists, work plans, reviews) records one event on its own object
when it is issued. The review of an outbreak reads all of these back as its timeline.

Other apps call into tasks through ``actions.rule_tasks.do_issue_rule_task`` and
``actions.rule_tasks.do_close_rule_tasks`` (areas, preparedness, quarantine, reopening, testing,
tracing: the work item of a rule and its closing), ``kinds.register_kind`` (each app's kinds of
work item) and ``rules.role_allows``; the demo also drives directives, problem lists, plans,
reviews and evidence through their modules of ``actions``.
"""

from typing import NotRequired, TypedDict

from pingji.core.events import declare


class CreatedPayload(TypedDict):
    owner: str
    deadline: str
    #: The kind of work item (``Task.kind``), e.g. ``tracing.dispatch``.
    kind: str
    #: Only when issued by hand to a named person.
    assignee: NotRequired[str]


class SubmittedPayload(TypedDict):
    evidence: str
    file: str
    files: list[str]


class NotePayload(TypedDict):
    note: str


#: ``from`` is a keyword, hence the functional form.
EscalatedPayload = TypedDict("EscalatedPayload", {"from": str, "to": str, "deadline": str})


class DirectiveIssuedPayload(TypedDict):
    receivers: list[str]
    #: ``[code, department]`` pairs of receivers addressed to one department.
    departments: list[list[str]]
    deadline: str
    meeting: int | None


class PlanRequestedPayload(TypedDict):
    level: int
    due: str


class PlanSubmittedPayload(TypedDict):
    template: int
    measures: int


class PlanReturnedPayload(TypedDict):
    template: int
    reason: str


class ProblemListIssuedPayload(TypedDict):
    items: int
    units: list[str]


class ReviewOpenedPayload(TypedDict):
    period: list[str]


class ImprovementAddedPayload(TypedDict):
    task: int


CREATED = declare("tasks.created", "a task issued to a jurisdiction", CreatedPayload)
SUBMITTED = declare("tasks.submitted", "evidence of a task submitted", SubmittedPayload)
VERIFIED = declare("tasks.verified", "a task verified and closed", NotePayload)
RETURNED = declare("tasks.returned", "a task's evidence sent back", NotePayload)
CANCELLED = declare("tasks.cancelled", "a task withdrawn", NotePayload)
ESCALATED = declare("tasks.escalated", "an overdue task escalated a level up", EscalatedPayload)
DIRECTIVE_ISSUED = declare(
    "tasks.directive_issued", "a directive issued as tasks", DirectiveIssuedPayload
)
PLAN_REQUESTED = declare(
    "tasks.plan_requested", "work plans requested from a level", PlanRequestedPayload
)
PLAN_SUBMITTED = declare("tasks.plan_submitted", "a work plan submitted", PlanSubmittedPayload)
PLAN_RETURNED = declare(
    "tasks.plan_returned", "a work plan sent back for revision", PlanReturnedPayload
)
PROBLEM_LIST_ISSUED = declare(
    "tasks.problem_list_issued", "a problem list issued as tasks", ProblemListIssuedPayload
)
REVIEW_OPENED = declare("tasks.review_opened", "an outbreak review opened", ReviewOpenedPayload)
IMPROVEMENT_ADDED = declare(
    "tasks.improvement_added", "an improvement item of a review", ImprovementAddedPayload
)
