"""The field app: the grid worker's day on a phone that keeps working without a network.

The day's lists are cached on the phone, encrypted under a key the server hands out per device
and can withhold; what the worker records offline is queued with its own id and replayed through
the domains' actions when the network is back (docs/field.md, docs/decisions/0045).
"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

#: The device the reconstruction test reads the day with (``core.personal_data.surfaces``).
SURFACE_DEVICE = "00000000-0000-4000-8000-000000000031"


class FieldConfig(AppConfig):
    name = "pingji.field"
    label = "field"
    verbose_name = _("Field app")

    def ready(self) -> None:
        from pingji.core import personal_data

        # The day's lists show names, addresses and masked phones, built through the registry's
        # presentation like the online pages (decision 0031); the reconstruction test reads it,
        # as a phone of the reader's would (a device asking for the first time is registered).
        personal_data.register_surface(
            "field.day", lambda person: f"/api/field/day/?device={SURFACE_DEVICE}"
        )
