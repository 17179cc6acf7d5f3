from django.utils.translation import gettext_lazy as _

from pingji.core.tables import Column, Table


class InvestigationTable(Table):
    columns = (
        Column("pk", "#", link=True),
        Column("case", _("case")),
        Column("case.person.name", _("full name")),
        Column("status", _("status")),
        Column("countdown", _("next deadline")),
        Column("core_due_at", _("core facts due")),
        Column("report_due_at", _("report due")),
        Column("jurisdiction.name", _("grid")),
    )
