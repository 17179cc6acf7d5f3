from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthCodesConfig(AppConfig):
    name = "pingji.health_codes"
    label = "health_codes"
    verbose_name = _("Health codes")
    #: Entries of the main menu: (label, URL name, permission needed or None, group).
    nav: tuple = (
        (_("Pushed lists"), "health_codes:push_list", "health_codes.view_push", "data"),
        (_("Push reconciliation"), "health_codes:reconciliation", "health_codes.view_push", "data"),
        (
            _("Code instructions"),
            "health_codes:instructions",
            "health_codes.view_instruction",
            "data",
        ),
    )

    def ready(self) -> None:
        from pingji.core import personal_data as pd

        from . import handlers  # noqa: F401 — subscribes to quarantine's and cases' events
        from .models import Instruction, PushRow

        # a pushed row names a person by particulars: the one masking policy shows them
        pd.register(
            PushRow,
            name=pd.Kind.NAME,
            id_number_masked=pd.Kind.ID_NUMBER,
            phone_masked=pd.Kind.PHONE,
        )
        pd.register(Instruction, name=pd.Kind.NAME, id_number_masked=pd.Kind.ID_NUMBER)
