from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TracingConfig(AppConfig):
    name = "pingji.tracing"
    label = "tracing"
    verbose_name = _("Tracing")
    nav = (
        (_("Investigations"), "tracing:investigation_list", "tracing.view_investigation"),
        (_("Dispatches"), "tracing:dispatch_list", "tracing.view_dispatch"),
        (_("Transmission chains"), "tracing:chain_graph", "tracing.view_link"),
    )

    def ready(self) -> None:
        from pingji.tasks.kinds import register_kind

        from . import jobs  # noqa: F401 — register the tracing.* jobs

        register_kind("tracing.investigation", _("case investigation"))
        register_kind("tracing.dispatch", _("dispatch (协查)"))
