"""``pingji jobs``: list background jobs, queue one, or follow one's progress."""

import json
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from pingji.core import jobs
from pingji.core.choices import JobStatus
from pingji.core.models import Job


class Command(BaseCommand):
    help = "List jobs (default), queue one (--queue KIND --user U --param k=v), or --follow ID."

    def add_arguments(self, parser):
        parser.add_argument("--queue", metavar="KIND")
        parser.add_argument("--user", help="the user the job acts as (its rights apply)")
        parser.add_argument("--param", action="append", default=[], metavar="KEY=VALUE")
        parser.add_argument("--follow", type=int, metavar="ID")
        parser.add_argument("--limit", type=int, default=20)

    def handle(self, *args, queue=None, user=None, param=(), follow=None, limit=20, **options):
        if queue:
            self._queue(queue, user, param)
        elif follow:
            return self._follow(follow)
        for row in Job.objects.order_by("-id")[:limit]:
            self.stdout.write(
                f"{row.pk:>6}  {row.kind:<24} {row.status:<10} {row.percent:>3}%  {row.message}"
            )

    def _queue(self, kind, username, params) -> Job:
        # The user model through settings, not pingji.users: core imports no other app.
        User = get_user_model()
        try:
            actor = User.objects.get(username=username) if username else None
        except User.DoesNotExist as exc:
            raise CommandError(f"no user {username!r}") from exc
        pairs = dict(p.split("=", 1) for p in params if "=" in p)
        try:
            row = jobs.enqueue(kind, pairs, actor=actor)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"queued job {row.pk} ({kind})")
        return row

    def _follow(self, job_id: int) -> None:
        while True:
            row = Job.objects.filter(pk=job_id).first()
            if row is None:
                raise CommandError(f"no job {job_id}")
            bar = "#" * (row.percent // 5)
            self.stdout.write(
                f"\r[{bar:<20}] {row.percent:>3}% {row.status} {row.message}", ending=""
            )
            self.stdout.flush()
            if row.status in (JobStatus.SUCCEEDED, JobStatus.FAILED):
                self.stdout.write("")
                self.stdout.write(row.error or json.dumps(row.result, ensure_ascii=False))
                if row.status == JobStatus.FAILED:
                    raise CommandError(f"job {job_id} failed")
                return
            time.sleep(0.5)
