from django.utils.translation import gettext_lazy as _

from pingji.core.tables import Column, Table


class JurisdictionTable(Table):
    columns = (
        Column("gb_code", _("code"), link=True),
        Column("name", _("name"), link=True),
        Column("level", _("level")),
        Column("population", _("population")),
    )


class PlaceTable(Table):
    columns = (
        Column("name", _("name"), link=True),
        Column("kind", _("kind")),
        Column("jurisdiction.name", _("grid")),
        Column("address", _("address")),
        Column("capacity", _("capacity")),
    )
