from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AreasConfig(AppConfig):
    name = "pingji.areas"
    label = "areas"
    verbose_name = _("Risk areas")
    #: Entries of the main menu: (label, URL name, permission needed or None).
    nav: tuple = (
        (_("Risk areas"), "areas:area_list", "areas.view_riskarea", "response"),
        (_("Checkpoints"), "areas:checkpoint_list", "areas.view_checkpoint", "response"),
        (_("Society-wide measures"), "areas:measure_list", "areas.view_measure", "response"),
    )

    def ready(self) -> None:
        from pingji.tasks.kinds import register_kind

        from . import (
            handlers,  # noqa: F401 — forgets what was read of a protocol when it changes
            jobs,  # noqa: F401 — registers the areas.evaluate job
        )

        register_kind("areas.over-control", _("over-control (area held past eligibility)"))
