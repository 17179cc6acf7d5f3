"""``pingji demo``: prepare the demo province and serve it (orchestration in ``demo.province``)."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _

from pingji.demo import accounts, province


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
        parser.add_argument("--no-serve", action="store_true", help="prepare, then exit")
        parser.add_argument(
            "--host",
            default="127.0.0.1",
            help="address to listen on (add it to PINGJI_ALLOWED_HOSTS if not local)",
        )
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, scale, seed, reset, no_serve, host, port, **options):
        try:
            summary = province.prepare(scale=scale, seed=seed, fresh=reset, out=self.stdout)
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
