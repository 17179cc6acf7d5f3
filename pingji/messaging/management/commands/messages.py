"""``pingji messages``: send what is due in the outbox, and queue tomorrow's test reminders.

``--send`` sends every due message (the retries whose back-off has passed included); run it every
minute (``* * * * * pingji messages --send``). ``--remind`` queues the reminders of tomorrow's
tests at home; run it once a day in the evening (``0 18 * * * pingji messages --remind``). Both
are idempotent.
"""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError

from pingji.core import clock
from pingji.core.context import acting_as
from pingji.messaging.actions.sending import send_due
from pingji.messaging.jobs import remind_tests_due


class Command(BaseCommand):
    help = (
        "Send the due messages of the outbox (--send); queue tomorrow's test reminders (--remind)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--send", action="store_true", help="Send every due message.")
        parser.add_argument("--remind", action="store_true", help="Queue tomorrow's reminders.")
        parser.add_argument("--on", help="The day of the reminder run (ISO); default: today.")

    def handle(self, *args, send=False, remind=False, on=None, **options):
        if not (send or remind):
            raise CommandError("say --send, --remind or both")
        try:
            day = datetime.date.fromisoformat(on) if on else clock.today()
        except ValueError as exc:
            raise CommandError(f"--on {on!r} is not an ISO date (2021-10-02)") from exc
        out: dict = {}
        with acting_as(None):
            if remind:
                out["queued"] = remind_tests_due(day)
            if send:
                out["sent"] = send_due()
        self.stdout.write(json.dumps(out))
