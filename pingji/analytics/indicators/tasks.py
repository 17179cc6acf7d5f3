"""Work items: issued, closed, escalated, and open tasks as a level.

Overdue items themselves are listed from the task rows as they stood at 24:00 (``reports``), since
a deadline passing writes no event; escalation (``tasks.escalated``, docs/decisions/0005) does.
"""

from django.utils.translation import gettext_lazy as _

from .registry import register, term

register("tasks_issued", _("tasks issued"), "tasks", term("tasks.created"))
register(
    "tasks_closed",
    _("tasks closed"),
    "tasks",
    term("tasks.verified"),
    term("tasks.cancelled"),
)
register("tasks_escalated", _("tasks escalated as overdue"), "tasks", term("tasks.escalated"))
register(
    "tasks_open",
    _("open tasks"),
    "tasks",
    term("tasks.created"),
    term("tasks.verified", sign=-1),
    term("tasks.cancelled", sign=-1),
    stock=True,
)
