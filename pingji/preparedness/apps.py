from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreparednessConfig(AppConfig):
    name = "pingji.preparedness"
    label = "preparedness"
    verbose_name = _("Preparedness")
    #: Entries of the main menu: (label, URL name, permission needed or None).
    nav: tuple = (
        (_("Readiness"), "preparedness:readiness", "preparedness.view_drill", "readiness"),
        (_("Early warnings"), "preparedness:alert_list", "preparedness.view_alert", "readiness"),
        (
            _("Surveillance sites"),
            "preparedness:site_list",
            "preparedness.view_surveillancesite",
            "readiness",
        ),
        (
            _("Mosquito surveillance"),
            "preparedness:vector_list",
            "preparedness.view_vectorsurvey",
            "readiness",
        ),
        (_("Training"), "preparedness:course_list", "preparedness.view_course", "readiness"),
        (_("Drills"), "preparedness:drill_list", "preparedness.view_drill", "readiness"),
    )

    def ready(self) -> None:
        from django.db.models.signals import pre_save

        from pingji.tasks.kinds import register_kind

        from . import community_clusters  # noqa: F401 — subscribes to case reports
        from .sandboxes import guard

        register_kind("preparedness.alert", _("early warning"))
        register_kind("preparedness.cluster", _("cluster of cases"))
        register_kind("preparedness.improve", _("drill improvement"))
        register_kind("preparedness.vector-control", _("mosquito control"))
        pre_save.connect(guard, dispatch_uid="preparedness.drill_guard")
