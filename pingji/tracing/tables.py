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


class DispatchTable(Table):
    columns = (
        Column("pk", "#", link=True),
        Column("shown_name", _("full name")),
        Column("sender.name", _("sent by")),
        Column("to_region_name", _("receiving county")),
        Column("to_region", _("receiving county code")),
        Column("status", _("status")),
        Column("countdown", _("deadline")),
        Column("sent_at", _("sent at")),
    )


class ClusterTable(Table):
    columns = (
        Column("name", _("name"), link=True),
        Column("jurisdiction.name", _("declared by")),
        Column("setting", _("setting")),
        Column("place.name", _("place")),
    )
