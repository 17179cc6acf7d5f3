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


class DirectiveTable(Table):
    columns = (
        Column("title", _("title"), link=True),
        Column("number", _("document number")),
        Column("jurisdiction.name", _("issuing jurisdiction")),
        Column("meeting", _("meeting")),
        Column("issued_at", _("issued at")),
        Column("deadline", _("deadline")),
    )


class ProblemListTable(Table):
    columns = (
        Column("title", _("title"), link=True),
        Column("inspection", _("inspection")),
        Column("jurisdiction.name", _("issuing jurisdiction")),
        Column("inspected_on", _("inspected on")),
    )


class PlanTemplateTable(Table):
    columns = (
        Column("title", _("title"), link=True),
        Column("jurisdiction.name", _("issuing jurisdiction")),
        Column("level", _("submitted by every")),
        Column("due", _("due")),
    )


class ReviewTable(Table):
    columns = (
        Column("title", _("title"), link=True),
        Column("jurisdiction.name", _("jurisdiction")),
        Column("period_start", _("from")),
        Column("period_end", _("to")),
    )
