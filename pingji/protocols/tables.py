from django.utils.translation import gettext_lazy as _

from pingji.core.tables import Column, Table


class ProtocolTable(Table):
    columns = (
        Column("name", _("name"), link=True),
        Column("disease", _("disease")),
        Column("area_name", _("applies to")),
        Column("effective_from", _("effective from")),
        Column("based_on", _("based on")),
        Column("in_force", _("in force today")),
    )
