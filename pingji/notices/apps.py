from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "pingji.notices"
    label = "notices"
    verbose_name = _("Notices")
    #: Entries of the main menu: (label, URL name, permission needed or None, group).
    nav: tuple = ()
