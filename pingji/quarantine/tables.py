from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pingji.core.tables import Column, Table


class PlacementTable(Table):
    columns = (
        Column("pk", "#", link=True),
        Column("person.name", _("full name")),
        Column("category", _("category")),
        Column("setting", _("held")),
        Column("site.name", pgettext_lazy("quarantine", "site")),
        Column("room.number", _("room")),
        Column("exposure_on", _("last exposure (day 0)")),
        Column("planned_release_on", _("planned release")),
        Column("planned_end_on", _("planned end of monitoring")),
        Column("status", _("status")),
        Column("jurisdiction.name", _("managing jurisdiction")),
    )


class SiteTable(Table):
    columns = (
        Column("name", _("name"), link=True),
        Column("kind", _("kind")),
        Column("status", _("status")),
        Column("occupied", _("occupied")),
        Column("beds", _("capacity")),
        Column("jurisdiction.name", _("jurisdiction")),
    )
