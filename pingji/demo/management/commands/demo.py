"""``pingji demo``: prepare the demo province and serve it (orchestration in ``demo.province``)."""

import argparse

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pingji.core import clock
from pingji.demo import accounts, province


def _instant(text: str):
    try:
        return clock.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO date or time: {text!r}") from exc


class Command(BaseCommand):
    help = (
        "Prepare the demo province (real Fujian divisions, a synthetic population, demo "
        "accounts) under PINGJI_DATA_DIR, then serve it. A second run reuses what exists."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=None,
            help=f"fraction of the real population to generate (default {province.DEFAULT_SCALE}"
            ", about 41,600 residents; 1 is the whole province)",
        )
        parser.add_argument("--seed", type=int, default=province.DEFAULT_SEED)
        parser.add_argument(
            "--reset",
            action="store_true",
            help="empty the database and the demo's analytic dataset, then load afresh",
        )
        parser.add_argument(
            "--now",
            type=_instant,
            default=None,
            help="the demo's now, ISO, from 2021-09-11 (default for a new load: "
            "2021-09-20T08:00); the replay records the outbreak up to it, and the clock advances "
            "with real time from there",
        )
        parser.add_argument("--no-serve", action="store_true", help="prepare, then exit")
        parser.add_argument(
            "--host",
            default="127.0.0.1",
            help="address to listen on (add it to PINGJI_ALLOWED_HOSTS if not local)",
        )
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, scale, seed, reset, now, no_serve, host, port, **options):
        try:
            summary = province.prepare(
                scale=scale, seed=seed, fresh=reset, now=now, out=self.stdout
            )
        except province.DemoError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Ready in {summary['seconds']} s.")
        self._welcome(host, port)
        if no_serve:
            return
        if province.start_job_runner():
            self.stdout.write("Background jobs run inside this process.")
        settings.PINGJI_LOGIN_NOTE = _(
            "Demo users are named from the jurisdiction code and the role, e.g. 350300-commander."
        )
        call_command("runserver", f"{host}:{port}", "--noreload", "--insecure")

    def _welcome(self, host: str, port: int) -> None:
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        self.stdout.write(f"\nPingji demo: http://{shown}:{port}/")
        today = timezone.localtime(clock.now())
        self.stdout.write(
            f"The demo's clock reads {today:%Y-%m-%d %H:%M}, in the September 2021 outbreak it "
            "replays, and advances with real time; the header's date views an earlier day, "
            f"read-only (e.g. http://{shown}:{port}/?as_of=2021-09-14)."
        )
        self.stdout.write(
            f"Every role has an account at the province (350000), each city (e.g. 350300) and "
            f"each county (e.g. 350322), named <code>-<role>; password: {accounts.DEMO_PASSWORD}"
        )
        for line in accounts.login_help():
            self.stdout.write(line)
        rows = accounts.showcase()
        width = max((len(name) for name, _r, _j in rows), default=10) + 2
        for name, role, place in rows:
            self.stdout.write(f"  {name:<{width}}{role:<18}{place}")
        link = accounts.self_report_example()
        if link:
            self.stdout.write(
                "A person at home under health monitoring reports their day from a phone, "
                f"without an account: http://{shown}:{port}{link}"
            )
