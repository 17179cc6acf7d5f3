"""Numbered legal notices issued from the domains' decisions (decision 0043, docs/notices.md)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "pingji.notices"
    label = "notices"
    verbose_name = _("Notices")
    #: Entries of the main menu: (label, URL name, permission needed or None, group).
    nav: tuple = (
        (_("Notices"), "notices:notice_list", "notices.view_notice", "response"),
        (_("Print notices by grid"), "notices:batch_print", "notices.view_notice", "response"),
    )

    def ready(self) -> None:
        from pingji.core import personal_data as pd

        from . import (
            handlers,  # noqa: F401 — subscribes to the decisions that issue notices
            printing,  # noqa: F401 — registers the "notices.print" job
        )
        from .models import Notice

        # the recipient is a name or an address, shown within scope like the person's own
        pd.register(Notice, recipient_label=pd.Kind.NAME)
        pd.register_surface("notices.notice_detail", _notice_page)
        pd.register_surface("notices.api.notice_detail", _notice_api)


def _first_notice(person):
    from .models import Notice

    return Notice.objects.filter(person=person).order_by("pk").first()


def _notice_page(person):
    notice = _first_notice(person)
    return notice.get_absolute_url() if notice else None


def _notice_api(person):
    notice = _first_notice(person)
    return f"/api/notices/notices/{notice.pk}/" if notice else None
