from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TracingConfig(AppConfig):
    name = "pingji.tracing"
    label = "tracing"
    verbose_name = _("Tracing")

    def ready(self) -> None:
        from . import jobs  # noqa: F401 — registers the "tracing.checkin_search" job
