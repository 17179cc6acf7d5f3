from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "pingji.geo"
    label = "geo"
    verbose_name = _("Jurisdictions and places")
    nav = (
        (_("Jurisdictions"), "geo:jurisdiction_list", None),
        (_("Places"), "geo:place_list", None),
    )
