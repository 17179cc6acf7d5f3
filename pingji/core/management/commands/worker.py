"""``pingji worker``: a job runner process (Dramatiq through Redis; docs/decisions/0037)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pingji.core import job_runner, jobs


class Command(BaseCommand):
    help = "Run background jobs: serve the Redis queue, or with --once run what is queued and exit."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run what is queued, then exit")
        parser.add_argument("--threads", type=int, default=2, help="jobs run side by side")

    def handle(self, *args, once=False, threads=2, **options):
        if once:
            self.stdout.write(f"{jobs.run_queued()} job(s) run")
            return
        if settings.JOBS_BACKEND != "redis":
            raise CommandError(
                "a separate worker needs PINGJI_JOBS_BACKEND=redis and PINGJI_BROKER_URL; "
                f"with {settings.JOBS_BACKEND!r} jobs run inside the application"
            )
        job_runner.serve(threads=max(1, threads))
