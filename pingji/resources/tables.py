from django.utils.translation import gettext_lazy as _

from pingji.core.tables import Column, Table


class StoreTable(Table):
    columns = (
        Column("name", _("name"), link=True),
        Column("kind", _("kind")),
        Column("jurisdiction.name", _("jurisdiction")),
        Column("address", _("address")),
    )


class FacilityTable(Table):
    columns = (
        Column("name", _("name"), link=True),
        Column("kind", _("kind")),
        Column("jurisdiction.name", _("jurisdiction")),
        Column("general_beds", _("general beds")),
        Column("icu_beds", _("ICU beds")),
        Column("daily_capacity", _("capacity per day")),
        Column("rooms", _("rooms")),
    )


class WorkforceTable(Table):
    columns = (
        Column("jurisdiction.name", _("jurisdiction")),
        Column("role", _("role")),
        Column("headcount", _("headcount")),
        Column("needed", _("needed")),
    )
