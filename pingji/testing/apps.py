from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TestingConfig(AppConfig):
    name = "pingji.testing"
    label = "testing"
    verbose_name = _("Mass testing")
    #: Entries of the main menu: (label, URL name, permission needed or None).
    nav: tuple = ()
