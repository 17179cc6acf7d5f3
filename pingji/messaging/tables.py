from django.utils.translation import gettext_lazy as _

from pingji.core.tables import Column, Table


class MessageTable(Table):
    columns = (
        Column("created_at", _("queued at"), link=True),
        Column("template", _("template")),
        Column("channel", _("channel")),
        Column("recipient_label", _("recipient")),
        Column("address_masked", _("address")),
        Column("status", _("status")),
        Column("attempts", _("attempts")),
        Column("error", _("error")),
    )


class OptOutTable(Table):
    columns = (
        Column("recorded_at", _("recorded at")),
        Column("recipient_label", _("recipient")),
        Column("channel", _("channel")),
        Column("source", _("source")),
        Column("note", _("note")),
    )
