from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pingji.core.tables import Column, Table


class CardTable(Table):
    columns = (
        Column("pk", "#", link=True),
        Column("case_id", _("case")),
        Column("case.person.name", _("full name")),
        Column("classification", _("classification")),
        Column("status", _("status")),
        Column("due_at", _("to file by")),
        Column("card_number", _("card number")),
        Column("occupation", _("occupation (population group)")),
        Column("reporting_unit", pgettext_lazy("report card", "reporting unit")),
        Column("filed_at", _("filed at")),
    )


class ExtractTable(Table):
    columns = (
        Column("pk", "#", link=True),
        Column("name", _("file name")),
        Column("rows", _("rows")),
        Column("filed", _("cards filed from it")),
        Column("already", _("rows already known")),
        Column("imported_by", _("imported by")),
        Column("imported_at", _("imported at")),
    )
