from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReopeningConfig(AppConfig):
    name = "pingji.reopening"
    label = "reopening"
    verbose_name = _("Reopening")
    #: Entries of the main menu: (label, URL name, permission needed or None).
    nav: tuple = ()
