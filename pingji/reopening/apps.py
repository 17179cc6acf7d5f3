"""Establishments (enterprises, shops, schools), surveys, resumption, one plan per enterprise and
liaisons."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReopeningConfig(AppConfig):
    name = "pingji.reopening"
    label = "reopening"
    verbose_name = _("Reopening")
    #: Entries of the main menu: (label, URL name, permission needed or None).
    nav: tuple = (
        (
            _("Establishments"),
            "reopening:establishment_list",
            "reopening.view_establishment",
            "reopening",
        ),
        (
            _("Resumption progress"),
            "reopening:progress",
            "reopening.view_establishment",
            "reopening",
        ),
    )

    def ready(self) -> None:
        from pingji.tasks.kinds import register_kind

        from . import handlers  # noqa: F401 — subscribes to cases.reported
        from .actions import imports  # noqa: F401 — registers the "reopening.import_establishments" job

        register_kind("reopening.problem", _("problem raised by an establishment"))
