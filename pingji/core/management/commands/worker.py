"""``pingji worker``: run background jobs in this process (on any machine reaching the database)."""

from django.core.management.base import BaseCommand

from pingji.core import jobs


class Command(BaseCommand):
    help = "Run queued background jobs; with PINGJI_JOBS_BACKEND=redis, wake on the broker."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run what is queued, then exit")
        parser.add_argument("--poll", type=float, default=1.0, help="seconds between polls")

    def handle(self, *args, once=False, poll=1.0, **options):
        done = jobs.work(once=once, poll=poll)
        self.stdout.write(f"{done} job(s) run")
