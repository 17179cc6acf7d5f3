from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    name = "pingji.resources"
    label = "resources"
    verbose_name = _("Resources")
    #: Entries of the main menu: (label, URL name, permission needed or None).
    nav: tuple = ()
