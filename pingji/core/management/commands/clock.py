"""``pingji clock``: show the platform's time, set an instance's own (a demo, a drill instance),
or give it back to the server's (docs/decisions/0030)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from pingji.core import clock


class Command(BaseCommand):
    help = "Show the platform's time; --set 2021-09-20T08:00 gives this instance its own, --clear"

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--set", dest="when", metavar="WHEN", help="ISO time; the zone defaults to Shanghai"
        )
        group.add_argument("--clear", action="store_true", help="back to the server's time")

    def handle(self, *args, when=None, clear=False, **options):
        if when:
            try:
                clock.set_now(clock.parse(when))
            except ValueError as exc:
                raise CommandError(f"not an ISO date or time: {when!r}") from exc
        elif clear:
            clock.set_now(None)
        shown = timezone.localtime(clock.now()).isoformat(timespec="seconds")
        source = "instance clock" if clock.is_set() else "server time"
        self.stdout.write(f"{shown} ({source})")
