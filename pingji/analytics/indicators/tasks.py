"""Work items: issued, closed, escalated, and open tasks as a level.

Overdue items themselves are listed from the task rows as they stood at 24:00 (``reports``), since
a deadline passing writes no event; escalation (``tasks.escalated``, docs/decisions/0005) does.
"""

from django.utils.translation import gettext_lazy as _

from pingji.tasks.contracts import CANCELLED, CREATED, ESCALATED, VERIFIED

from .registry import register, term

register("tasks_issued", _("tasks issued"), "tasks", term(CREATED))
register(
    "tasks_closed",
    _("tasks closed"),
    "tasks",
    term(VERIFIED),
    term(CANCELLED),
)
register(
    "tasks_escalated", _("overdue tasks escalated to the level above"), "tasks", term(ESCALATED)
)
register(
    "tasks_open",
    _("open tasks"),
    "tasks",
    term(CREATED),
    term(VERIFIED, sign=-1),
    term(CANCELLED, sign=-1),
    stock=True,
)
