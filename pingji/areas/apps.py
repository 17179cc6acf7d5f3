from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AreasConfig(AppConfig):
    name = "pingji.areas"
    label = "areas"
    verbose_name = _("Risk areas")
    #: Entries of the main menu: (label, URL name, permission needed or None).
    nav: tuple = ()
