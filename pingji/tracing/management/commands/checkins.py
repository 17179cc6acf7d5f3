"""``pingji checkins import FILE`` and ``pingji checkins search VISITS.csv``.

``import`` loads a check-in log into the analytic store (see tracing.checkins); the known venue
codes come from the database (``--venues-from-db``: places of kind venue) or from a file with one
code per line (``--venues FILE``). On any bad row it prints every problem as CSV (row, field,
reason), writes nothing and exits with an error. A file imported before (the same content) is not
imported again: the command says so and writes nothing, so running it twice is safe.

``search`` reads case visits (columns visit_id, venue, start, end[, margin_minutes]; ISO times)
and prints the proposed contacts as CSV (epi.overlap.COLUMNS).
"""

import csv
import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pingji.epi import overlap
from pingji.tracing import checkin_store
from pingji.tracing.checkins import import_checkins
from pingji.tracing.jobs import visits_from_params


class Command(BaseCommand):
    help = "Import venue check-in logs into the analytic store, or search them for contacts."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import a CSV (UTF-8/GBK) or Parquet check-in log")
        imp.add_argument("file", type=Path)
        source = imp.add_mutually_exclusive_group(required=True)
        source.add_argument("--venues-from-db", action="store_true")
        source.add_argument("--venues", type=Path, help="a file with one venue code per line")
        find = sub.add_parser("search", help="find check-ins overlapping case visits")
        find.add_argument("visits", type=Path)
        find.add_argument("--margin", type=float, default=0.0, help="minutes on both sides")
        find.add_argument("--close-minutes", type=float, default=overlap.DEFAULT_CLOSE_MINUTES)
        find.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")

    def handle(self, *args, **options):
        if options["action"] == "import":
            self._import(options)
        else:
            self._search(options)

    def _import(self, options):
        if options["venues_from_db"]:
            from pingji.geo.choices import PlaceKind
            from pingji.geo.models import Place

            known = {
                str(pk)
                for pk in Place.objects.filter(kind=PlaceKind.VENUE).values_list("pk", flat=True)
            }
        else:
            try:
                lines = options["venues"].read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(f"cannot read {options['venues']}: {exc}") from exc
            known = {line.strip() for line in lines if line.strip()}
        report = import_checkins(options["file"], known)
        if not report.ok:
            writer = csv.writer(self.stdout)
            writer.writerow(["row", "field", "reason"])
            for error in report.errors:
                writer.writerow([error.row, error.field, error.reason])
            raise CommandError(
                f"{options['file']}: {report.error_count} problem(s); nothing was imported"
            )
        if report.already:
            self.stderr.write(
                f"{options['file']} was imported before ({report.rows} check-ins in "
                f"{len(report.files)} file(s)); nothing was written"
            )
            return
        rate = report.rows / report.seconds if report.seconds else 0
        self.stderr.write(
            f"imported {report.rows} check-ins into {len(report.files)} file(s) "
            f"({rate:,.0f} rows/s)"
        )

    def _search(self, options):
        try:
            with open(options["visits"], encoding="utf-8-sig", newline="") as handle:
                rows = list(csv.DictReader(handle))
            visits = visits_from_params(rows, options["margin"])
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise CommandError(f"cannot read {options['visits']}: {exc}") from exc
        except (KeyError, ValueError) as exc:
            raise CommandError(
                f"{options['visits']}: columns visit_id, venue, start, end (ISO times) are "
                f"needed: {exc}"
            ) from exc
        table = checkin_store.search(
            visits, close_minutes=options["close_minutes"], engine=options["engine"]
        )
        table = overlap.for_reading(table)
        writer = csv.writer(self.stdout)
        writer.writerow(overlap.COLUMNS)
        for row in table.select(overlap.COLUMNS).to_pylist() if table.num_rows else []:
            writer.writerow(
                [
                    v.isoformat(sep=" ") if isinstance(v, datetime.datetime) else v
                    for v in (row[c] for c in overlap.COLUMNS)
                ]
            )
