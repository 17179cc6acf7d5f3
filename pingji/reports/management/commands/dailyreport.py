"""``pingji dailyreport [--date D] [--code C …]``: the daily run (from cron, after 24:00)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from pingji.analytics.series import today
from pingji.geo.models import Jurisdiction
from pingji.reports.jobs import run_daily


class Command(BaseCommand):
    help = "Compute the stored series and archive the daily reports of a day (default: yesterday)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day reported, YYYY-MM-DD (default: yesterday)")
        parser.add_argument("--code", action="append", help="top area code (default: the roots)")

    def handle(self, *args, date=None, code=None, **options):
        try:
            day = datetime.date.fromisoformat(date) if date else today() - datetime.timedelta(1)
        except ValueError as exc:
            raise CommandError(_("Unreadable date %(d)s: use YYYY-MM-DD.") % {"d": date}) from exc
        if day > today():
            raise CommandError(_("The date is in the future."))
        unknown = sorted(
            set(code or ())
            - set(Jurisdiction.objects.filter(code__in=code or ()).values_list("code", flat=True))
        )
        if unknown:
            raise CommandError(_("Unknown jurisdiction: %(c)s") % {"c": ", ".join(unknown)})
        result = run_daily(day, code)
        self.stdout.write(
            _("%(n)d daily reports archived for %(day)s.") % {"n": result["reports"], "day": day}
        )
