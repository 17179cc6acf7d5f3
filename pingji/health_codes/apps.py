from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthCodesConfig(AppConfig):
    name = "pingji.health_codes"
    label = "health_codes"
    verbose_name = _("Health codes")
    #: Entries of the main menu: (label, URL name, permission needed or None, group).
    nav: tuple = ()
