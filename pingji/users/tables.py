from django.utils.translation import gettext_lazy as _

from pingji.core.tables import Column, Table


class UserTable(Table):
    columns = (
        Column("username", _("username"), link=True),
        Column("get_full_name", _("full name")),
        Column("role", _("role")),
        Column("jurisdiction.name", _("jurisdiction")),
        Column("is_active", _("active")),
        Column("last_login", _("last login")),
    )
