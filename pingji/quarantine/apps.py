"""Quarantine: sites, placements by protocol, monitoring and tests, release, and follow-up."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuarantineConfig(AppConfig):
    name = "pingji.quarantine"
    label = "quarantine"
    verbose_name = _("Quarantine")
    #: Entries of the main menu: (label, URL name, permission needed or None).
    nav: tuple = (
        (_("Placements"), "quarantine:placement_list", "quarantine.view_placement", "response"),
        (_("Quarantine sites"), "quarantine:site_list", "quarantine.view_site", "response"),
        (_("Home monitoring today"), "quarantine:today", "quarantine.view_placement", "response"),
    )

    def ready(self) -> None:
        from pingji.tasks.kinds import register_kind
        from pingji.tracing.forms import register_control_field

        from . import (
            handlers,  # noqa: F401 — subscribes to the answers of dispatches
            jobs,  # noqa: F401 — registers the quarantine.* jobs
        )
        from .forms import dispatch_site_field

        register_control_field("site", dispatch_site_field)

        register_kind("quarantine.missed-check", _("missed check-in"))
        register_kind("quarantine.missed-test", _("missed test"))
        register_kind("quarantine.symptoms", _("fever or symptoms in monitoring"))
        register_kind("quarantine.handover-refused", _("handover refused by another county"))
