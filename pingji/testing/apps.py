"""Mass-testing campaigns: rounds, sampling points, pooled samples and results, coverage,
follow-up."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TestingConfig(AppConfig):
    name = "pingji.testing"
    label = "testing"
    verbose_name = _("Mass testing")
    #: Entries of the main menu: (label, URL name, permission needed or None).
    nav: tuple = (
        (_("Mass testing"), "testing:campaign_list", "testing.view_campaign", "response"),
    )

    def ready(self) -> None:
        from pingji.tasks.kinds import register_kind

        from . import jobs  # noqa: F401 — registers the testing.ingest job

        register_kind("testing.retest", _("control and single-tube retest"))
