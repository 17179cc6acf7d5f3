from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "pingji.exchange"
    label = "exchange"
    verbose_name = _("Data exchange")
    #: Entries of the main menu: (label, URL name, permission needed or None, group).
    nav: tuple = ()
