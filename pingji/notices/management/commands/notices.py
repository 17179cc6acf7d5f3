"""``pingji notices print --grid CODE --kind K --out FILE``: a grid's notices as one PDF.

Run as an account (``--user``, whose scope and rights decide what is printed, as on the page);
without one, as the whole platform sees it (an operator's command on the server).
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from pingji.notices import printing
from pingji.notices.choices import NoticeKind
from pingji.notices.models import Notice


class Command(BaseCommand):
    help = "Print the valid notices of a kind for a grid (or a risk area) as one PDF."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="command", required=True)
        p = sub.add_parser("print", help="one PDF of a grid's notices of a kind")
        p.add_argument("--kind", required=True, choices=NoticeKind.values)
        p.add_argument("--grid", default="", help="jurisdiction code (its subtree)")
        p.add_argument("--area", type=int, default=None, help="risk area id")
        p.add_argument("--out", required=True, help="the PDF file to write")
        p.add_argument("--user", default="", help="print as this account (its scope)")

    def handle(self, *args, command, kind, grid, area, out, user, **options):
        try:
            printing.check_batch(kind, grid, area)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        rows = self._rows(user, kind, grid, area)
        count = len(rows)
        if not count:
            raise CommandError("No valid notice of this kind there.")
        Path(out).write_bytes(printing.render_batch(rows))
        self.stdout.write(f"{count} notices -> {out}")

    def _rows(self, username: str, kind: str, grid: str, area):
        if username:
            account = get_user_model().objects.filter(username=username).first()
            if account is None:
                raise CommandError(f"No account {username!r}.")
            return list(printing.batch(account, kind, grid, area))
        rows = Notice.objects.filter(kind=kind, status="valid")
        rows = printing.scoped_to(rows, grid, area)
        return list(rows.order_by("issuer_id", "year", "sequence"))
