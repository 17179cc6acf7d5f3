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
