from django.utils.translation import gettext_lazy as _

from pingji.core.tables import Column, Table


class PersonTable(Table):
    columns = (
        Column("name", _("full name"), link=True),
        Column("sex", _("sex")),
        Column("birth_date", _("birth date")),
        Column("id_number_masked", _("identity number")),
        Column("phone_masked", _("phone")),
        Column("household.address", _("household")),
        Column("jurisdiction.name", _("grid")),
    )


class HouseholdTable(Table):
    columns = (
        Column("address", _("address"), link=True),
        Column("place.name", _("place")),
        Column("jurisdiction.name", _("grid")),
        Column("member_count", _("members")),
    )
