from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "pingji.analytics"
    label = "analytics"
    verbose_name = _("Analytics")
    #: Entries of the main menu: (label, URL name, permission needed or None).
    nav: tuple = ()
