"""``pingji code_feed build --day YYYY-MM-DD --code CODE --user NAME``: issue the code
instructions a day's events imply and the feed does not hold yet (the catch-up after this app
was installed or a protocol's colours amended; running it twice issues nothing more).

Run as an account, whose role and area decide what may be issued, as on the page and the API.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from pingji.health_codes.actions.instructions import do_build_feed


class Command(BaseCommand):
    help = "Issue the code instructions a day's events imply and the feed does not hold yet."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="command", required=True)
        build = sub.add_parser("build", help="catch up one day of one area")
        build.add_argument("--day", required=True, help="YYYY-MM-DD")
        build.add_argument("--code", required=True, help="jurisdiction code (its subtree)")
        build.add_argument("--user", required=True, help="run as this account")

    def handle(self, *args, command, day, code, user, **options):
        try:
            when = datetime.date.fromisoformat(day)
        except ValueError as exc:
            raise CommandError(f"--day: a date as YYYY-MM-DD, not {day!r}") from exc
        account = get_user_model().objects.filter(username=user, is_active=True).first()
        if account is None:
            raise CommandError(f"No active account {user!r}.")
        try:
            issued = do_build_feed(when, code, actor=account)
        except (PermissionDenied, ValidationError) as exc:
            raise CommandError("; ".join(getattr(exc, "messages", [str(exc)]))) from exc
        self.stdout.write(f"{issued} instructions issued for {code} on {when}")
