"""Work items and the command work carried out through them.

``Task`` is the one mechanism (owner, deadline, evidence, verification, escalation); directives,
problem-list items, plan measures and review improvements each become tasks attached to their
source (``Task.source``), so the inbox, the escalation rule (decision 0005) and the supervision
view treat them alike.
"""

from .directives import Directive
from .evidence import EvidenceFile
from .plans import PlanTemplate, WorkPlan
from .problems import ProblemItem, ProblemList
from .reviews import Review
from .task import MIN_ESCALATION_PERIOD, Task, TaskQuerySet

__all__ = [
    "MIN_ESCALATION_PERIOD",
    "Directive",
    "EvidenceFile",
    "PlanTemplate",
    "ProblemItem",
    "ProblemList",
    "Review",
    "Task",
    "TaskQuerySet",
    "WorkPlan",
]
