from django.utils.translation import gettext_lazy as _

from pingji.core.tables import Column, Table


class CaseTable(Table):
    columns = (
        Column("pk", "#", link=True),
        Column("person.name", _("full name")),
        Column("disease", _("disease")),
        Column("classification", _("classification")),
        Column("severity", _("severity")),
        Column("channel", _("discovery channel")),
        Column("found_inside_control", _("found inside control")),
        Column("origin", _("local or imported")),
        Column("onset_date", _("symptom onset date")),
        Column("reported_at", _("report time")),
        Column("outcome", _("outcome")),
        Column("void_state", _("voided")),
        Column("jurisdiction.name", _("grid")),
    )
