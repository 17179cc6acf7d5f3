"""``pingji evaluate_areas [--day YYYY-MM-DD] [--within CODE]``: the daily evaluation, for cron."""

import datetime
import json

from django.core.management.base import BaseCommand

from pingji.areas.jobs import evaluate_job


class _Quiet:
    row = None

    def __call__(self, *args, **kwargs):
        pass


class Command(BaseCommand):
    help = "Evaluate the lifting criteria of every risk area in force for one day."

    def add_arguments(self, parser):
        parser.add_argument("--day", default="", type=str, help="the day (default: yesterday)")
        parser.add_argument("--within", default="", help="a jurisdiction code")

    def handle(self, *args, day, within, **options):
        if day:
            datetime.date.fromisoformat(day)
        self.stdout.write(json.dumps(evaluate_job(_Quiet(), day=day, within=within)))
