from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "pingji.core"
    label = "core"
    verbose_name = _("Core")
    nav = (
        (_("Jobs"), "core:job_list", None, "data"),
        (_("Audit"), "core:change_list", "core.view_objectchange", "admin"),
    )

    def ready(self) -> None:
        from . import audit, checks, exports  # noqa: F401 — exports registers its job

        audit.connect()
        # Every app's event kinds are declared before the first event is written or checked.
        checks.load_contracts()
