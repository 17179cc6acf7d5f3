"""``pingji escalate``: escalate overdue tasks one level; run it from cron or the scheduler.

Safe to run as often as wanted: a task climbs at most one level per escalation period
(``actions.work.do_escalate_overdue``). Example crontab line: ``*/15 * * * * pingji escalate``.
"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from pingji.core.context import acting_as
from pingji.tasks.actions.work import do_escalate_overdue


class Command(BaseCommand):
    help = "Escalate overdue tasks one level up the jurisdiction tree and print the counts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", help="Evaluate as of this ISO date-time (replays, tests); default: now."
        )
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print the counts as JSON."
        )

    def handle(self, *args, now=None, as_json=False, **options):
        at = None
        if now:
            at = parse_datetime(now)
            if at is None:
                raise CommandError(
                    f"--now {now!r} is not an ISO date-time (2021-09-12T08:00+08:00)"
                )
            if timezone.is_naive(at):
                at = timezone.make_aware(at)
        with acting_as(None):  # the system acts; one request id groups this run's events
            counts = do_escalate_overdue(at)
        if as_json:
            self.stdout.write(json.dumps(counts, sort_keys=True))
        else:
            self.stdout.write(
                "overdue {overdue}, escalated {escalated}, waiting {waiting}, "
                "at top {at_top}".format(**counts)
            )
