from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScenariosConfig(AppConfig):
    name = "pingji.scenarios"
    label = "scenarios"
    verbose_name = _("Scenarios")
    #: Entries of the main menu: (label, URL name, permission needed, group).
    nav: tuple = (
        (_("Scenarios"), "scenarios:scenario_list", "scenarios.view_scenario", "response"),
    )

    def ready(self) -> None:
        from . import jobs  # noqa: F401 — registers the scenarios.run job
