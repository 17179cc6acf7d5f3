from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "pingji.geo"
    label = "geo"
    verbose_name = _("Jurisdictions and places")
    nav = (
        (_("Jurisdictions"), "geo:jurisdiction_list", None, "data"),
        (_("Places"), "geo:place_list", None, "data"),
    )

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import paths  # subscribes the cached paths to the bulk loads' events
        from .models import Jurisdiction

        for signal in (post_save, post_delete):
            signal.connect(paths.on_jurisdiction_changed, sender=Jurisdiction)
