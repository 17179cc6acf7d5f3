from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    name = "pingji.resources"
    label = "resources"
    verbose_name = _("Resources")
    #: Entries of the main menu: (label, URL name, permission needed or None).
    nav: tuple = (
        (_("Reserve days"), "resources:reserves", "resources.view_store", "readiness"),
        (_("Stores"), "resources:store_list", "resources.view_store", "readiness"),
        (_("Medical capacity"), "resources:facility_list", "resources.view_facility", "readiness"),
        (_("Workforce"), "resources:workforce_list", "resources.view_workforce", "readiness"),
    )

    def ready(self) -> None:
        from . import jobs  # noqa: F401 — registers the resources.refresh_peaks job
