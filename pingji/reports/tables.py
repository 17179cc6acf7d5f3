from django.utils.translation import gettext_lazy as _

from pingji.core.tables import Column, Table


class DailyReportTable(Table):
    columns = (
        Column("day", _("day"), link=True),
        Column("jurisdiction.name", _("jurisdiction")),
        Column("since", _("outbreak since")),
        Column("generated_at", _("generated at")),
    )
