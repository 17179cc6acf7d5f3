from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProtocolsConfig(AppConfig):
    name = "pingji.protocols"
    label = "protocols"
    verbose_name = _("Protocols")
    nav = ((_("Protocols"), "protocols:protocol_list", None, "data"),)
