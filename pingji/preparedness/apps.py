from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreparednessConfig(AppConfig):
    name = "pingji.preparedness"
    label = "preparedness"
    verbose_name = _("Preparedness")
    #: Entries of the main menu: (label, URL name, permission needed or None).
    nav: tuple = ()
