from django.utils.translation import gettext_lazy as _

from pingji.core.tables import Column, Table


class CampaignTable(Table):
    columns = (
        Column("name", _("name"), link=True),
        Column("jurisdiction.name", _("run by")),
        Column("setting", _("setting")),
        Column("created_at", _("created at")),
    )
