from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommandConfig(AppConfig):
    name = "pingji.command"
    label = "command"
    verbose_name = _("Command modes")
    nav = (
        (_("Command mode"), "command:mode_list", None, "command"),
        (_("Meetings"), "command:meeting_list", "command.view_meeting", "command"),
    )

    def ready(self):
        from pingji.core.shared_cache import forget_on_change
        from pingji.geo.models import Jurisdiction

        from .models import ModeSwitch
        from .modes import SWITCHES_KEY

        # the switches kept name their jurisdictions (the banner's "inherited from")
        forget_on_change(ModeSwitch, lambda _switch: SWITCHES_KEY)
        forget_on_change(Jurisdiction, lambda _jurisdiction: SWITCHES_KEY)
