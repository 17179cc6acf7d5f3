"""``pingji forecasts score --code C --from D1 --to D2``: each model's skill, baselines included.

Prints one CSV row per area and model: forecasts issued in the period, days scored, mean weighted
interval score, mean absolute error of the median, the coverage of the 50 % and 95 % intervals
as a count forecast's (``epi.scoring.coverage``: a calibrated model has 0.5 and 0.95), the share
of outcomes inside their bounds (``held``: above nominal for a calibrated model where outcomes sit
on a bound carrying much probability, as zeros in an outbreak's tail do), and how many of the
scored outcomes were zero (``analytics.skill``). Lower WIS and error are better. The series and
forecasts are the stored ones (``pingji dailyreport`` or the demo computes them).
"""

import csv
import datetime

from django.core.management.base import BaseCommand, CommandError

from pingji.analytics.skill import stored_skill
from pingji.geo.models import Jurisdiction

COLUMNS = [
    "code",
    "model",
    "forecasts",
    "days_scored",
    "wis",
    "mae",
    "coverage50",
    "coverage95",
    "held50",
    "held95",
    "zero_outcomes",
]


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD)") from exc


class Command(BaseCommand):
    help = "Score the stored forecasts of areas against what was reported, model by model."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        score = sub.add_parser("score", help="each model's skill over forecasts issued in a period")
        score.add_argument("--code", action="append", required=True, help="repeat for several")
        score.add_argument("--from", dest="first", required=True, type=_day)
        score.add_argument("--to", dest="last", required=True, type=_day)

    def handle(self, *args, **options):
        first, last = options["first"], options["last"]
        if first > last:
            raise CommandError("--from is after --to")
        codes = options["code"]
        unknown = set(codes) - set(
            Jurisdiction.objects.filter(code__in=codes).values_list("code", flat=True)
        )
        if unknown:
            raise CommandError(f"no such jurisdiction: {', '.join(sorted(unknown))}")
        out = csv.writer(self.stdout, lineterminator="\n")
        out.writerow(COLUMNS)
        for code in codes:
            rows = stored_skill(code, first, last)
            if not rows:
                self.stderr.write(f"{code}: no stored forecast issued from {first} to {last}")
            for r in rows:
                s = r.skill
                scores = (s.wis, s.mae, s.coverage50, s.coverage95, s.held50, s.held95)
                out.writerow(
                    [code, r.model, r.issued, s.n] + [f"{v:.3f}" for v in scores] + [s.zeros]
                )
