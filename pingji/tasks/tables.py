from django.utils.translation import gettext_lazy as _

from pingji.core.tables import Column, Table


class TaskTable(Table):
    columns = (
        Column("title", _("title"), link=True),
        Column("kind", _("kind")),
        Column("status", _("status")),
        Column("is_overdue", _("overdue")),
        Column("jurisdiction.name", _("owner jurisdiction")),
        Column("assignee", _("assignee")),
        Column("deadline", _("deadline")),
        Column("escalated_to.name", _("escalated to")),
    )
