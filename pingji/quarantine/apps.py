from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuarantineConfig(AppConfig):
    name = "pingji.quarantine"
    label = "quarantine"
    verbose_name = _("Quarantine")
    #: Entries of the main menu: (label, URL name, permission needed or None).
    nav: tuple = ()
