from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TracingConfig(AppConfig):
    name = "pingji.tracing"
    label = "tracing"
    verbose_name = _("Tracing")
    nav = (
        (
            _("Investigations"),
            "tracing:investigation_list",
            "tracing.view_investigation",
            "response",
        ),
        (_("Dispatches"), "tracing:dispatch_list", "tracing.view_dispatch", "response"),
        (_("Transmission chains"), "tracing:chain_graph", "tracing.view_link", "response"),
    )

    def ready(self) -> None:
        from pingji.core import personal_data as pd
        from pingji.tasks.kinds import register_kind

        from .models import ReportedContact

        # a contact known by particulars (decision 0042) is shown by the one masking policy
        pd.register(
            ReportedContact,
            name=pd.Kind.NAME,
            id_number_masked=pd.Kind.ID_NUMBER,
            phone_masked=pd.Kind.PHONE,
            address=pd.Kind.ADDRESS,
        )

        from . import jobs  # noqa: F401 — register the tracing.* jobs

        register_kind("tracing.investigation", _("case investigation"))
        register_kind("tracing.dispatch", _("dispatch (协查)"))
