from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "pingji.cases"
    label = "cases"
    verbose_name = _("Cases")
    nav = ((_("Cases"), "cases:case_list", "cases.view_case"),)

    def ready(self) -> None:
        from . import imports  # noqa: F401 — registers the "cases.import_line_list" job
