from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "pingji.messaging"
    label = "messaging"
    verbose_name = _("Messages")
    #: Entries of the main menu: (label, URL name, permission needed or None, group).
    nav: tuple = ()
