"""``pingji quarantine_sweep``: close finished monitoring and raise alerts on yesterday's misses.

Run it once a day shortly after midnight (``5 0 * * * pingji quarantine_sweep``); it is idempotent.
"""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError

from pingji.core import clock
from pingji.core.context import acting_as
from pingji.quarantine.actions.followup import do_sweep


class Command(BaseCommand):
    help = "Close finished home monitoring and raise alerts for missed check-ins and tests."

    def add_arguments(self, parser):
        parser.add_argument("--on", help="Sweep as of this ISO date (replays); default: today.")

    def handle(self, *args, on=None, **options):
        try:
            day = datetime.date.fromisoformat(on) if on else clock.today()
        except ValueError as exc:
            raise CommandError(f"--on {on!r} is not an ISO date (2021-10-02)") from exc
        with acting_as(None):
            counts = do_sweep(day)
        self.stdout.write(json.dumps(counts))
