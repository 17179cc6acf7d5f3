from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "pingji.reports"
    label = "reports"
    verbose_name = _("Reports")
    #: Entries of the main menu: (label, URL name, permission needed or None).
    nav: tuple = (
        (_("Situation room"), "reports:situation_focus", "reports.view_dailyreport", "today"),
        (_("Daily reports"), "reports:report_list", "reports.view_dailyreport", "today"),
    )

    def ready(self) -> None:
        from . import jobs  # noqa: F401 — registers the reports.* jobs
