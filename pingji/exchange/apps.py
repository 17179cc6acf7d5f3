"""Data exchange: direct reporting of case cards to the national system, and its extracts."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "pingji.exchange"
    label = "exchange"
    verbose_name = _("Data exchange")
    #: Entries of the main menu: (label, URL name, permission needed or None, group).
    nav: tuple = (
        (_("Report cards"), "exchange:card_list", "exchange.view_reportcard", "data"),
        (_("National extracts"), "exchange:extract_list", "exchange.view_extract", "data"),
        (_("Reconciliation"), "exchange:reconciliation", "exchange.view_extractcard", "data"),
    )

    def ready(self) -> None:
        from pingji.core import personal_data
        from pingji.tasks.kinds import register_kind

        from . import handlers  # noqa: F401 — subscribes to the cases' events
        from .models import ReportCard

        register_kind("exchange.direct-report", _("file a direct-report card"))

        def card_url(api: bool):
            def url_for(person):
                card = ReportCard.objects.filter(case__person=person).order_by("pk").first()
                if card is None:
                    return None
                return f"/api/exchange/cards/{card.pk}/" if api else card.get_absolute_url()

            return url_for

        # the card page and API show the person's name and masked number: read like the others
        personal_data.register_surface("exchange.card_detail", card_url(api=False))
        personal_data.register_surface("exchange.api.card_detail", card_url(api=True))
