from django.utils.translation import gettext_lazy as _

from pingji.core.tables import Column, Table


class EstablishmentTable(Table):
    columns = (
        Column("name", _("name"), link=True),
        Column("kind", _("kind")),
        Column("sector", _("sector")),
        Column("workforce", _("workforce")),
        Column("pupils", _("pupils")),
        Column("status", _("status")),
        Column("status_since", _("status since")),
        Column("jurisdiction.name", _("jurisdiction")),
        Column("liaison", _("liaison official")),
    )


class SurveyTable(Table):
    columns = (
        Column("title", _("title"), link=True),
        Column("jurisdiction.name", _("area")),
        Column("kind", _("kind")),
        Column("opened_at", _("opened at")),
        Column("due_at", _("answers due")),
    )
