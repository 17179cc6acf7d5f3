"""``pingji refresh_reserve_peaks [--day YYYY-MM-DD] [--within CODE]``: the daily job, for cron."""

import datetime
import json

from django.core.management.base import BaseCommand

from pingji.core import clock
from pingji.resources.jobs import refresh


class Command(BaseCommand):
    help = "Store the peak daily use of every item in every store for one day (default: today)."

    def add_arguments(self, parser):
        parser.add_argument("--day", default="", help="the day (default: today)")
        parser.add_argument("--within", default="", help="a jurisdiction code")

    def handle(self, *args, day, within, **options):

        on = datetime.date.fromisoformat(day) if day else clock.today()
        self.stdout.write(json.dumps(refresh(on, within)))
