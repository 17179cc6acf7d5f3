from django.utils.translation import gettext_lazy as _

from pingji.core.tables import Column, Table


class NoticeTable(Table):
    columns = (
        Column("number", _("number"), link=True),
        Column("kind", _("kind")),
        Column("recipient_label", _("recipient")),
        Column("jurisdiction.name", _("jurisdiction")),
        Column("issued_at", _("issued at")),
        Column("status", _("status")),
    )
