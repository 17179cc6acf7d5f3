from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UsersConfig(AppConfig):
    name = "pingji.users"
    label = "users"
    verbose_name = _("Users")
    nav = (
        (_("Users"), "users:user_list", "users.view_user", "admin"),
        (_("Refused access"), "users:refusal_list", "users.view_accessrefusal", "admin"),
    )
