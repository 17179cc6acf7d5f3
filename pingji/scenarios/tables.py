from django.utils.translation import gettext_lazy as _

from pingji.core.tables import Column, Table


class ScenarioTable(Table):
    columns = (
        Column("name", _("name"), link=True),
        Column("jurisdiction.name", _("jurisdiction")),
        Column("state_day", _("state on")),
        Column("days", _("days simulated")),
        Column("runs", _("ensemble size")),
        Column("threshold", _("rebound threshold (new infections a day)")),
        Column("created_at", _("created at")),
    )
