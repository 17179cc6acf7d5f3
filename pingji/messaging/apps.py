from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "pingji.messaging"
    label = "messaging"
    verbose_name = _("Messages")
    #: Entries of the main menu: (label, URL name, permission needed or None, group).
    nav: tuple = (
        (_("Outbox"), "messaging:message_list", "messaging.view_message", "command"),
        (_("Opt-outs"), "messaging:optout_list", "messaging.view_optout", "command"),
    )

    def ready(self) -> None:
        from . import (
            handlers,  # noqa: F401 — subscribes to the events that reach people
            jobs,  # noqa: F401 — registers messaging.send and messaging.remind_tests
            texts,  # noqa: F401 — registers the message templates
        )
