"""``pingji rt INCIDENCE.csv``: Rt by Cori et al. (2013) for one daily series, printed as CSV.

A thin wrapper over ``pingji.epi.rt``: it reads and checks the file, then prints EpiEstim's table
(t_start, t_end, mean, std and the 2.5..97.5 % quantiles, plus the window's dates when the file
has dates). The serial interval must be given: it depends on the pathogen and the setting, and a
silent default would give a confident-looking but wrong Rt.

It belongs to analytics, the app that owns the platform's Rt estimates: ``epi`` stays plain Python
(no commands, no Django), and ``core`` knows nothing of epidemiology.
"""

from __future__ import annotations

import csv
import datetime
import math
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pingji.epi.rt import QUANTILES, estimate_r

COLUMNS = ["t_start", "t_end", "mean", "std", *[f"q{q}" for q in QUANTILES]]


def read_incidence(path: Path) -> tuple[list[datetime.date] | None, list[float], list[float]]:
    """Dates (or None for a ``day`` index), local and imported counts, or CommandError naming the
    line and the reason. Days must be consecutive with none missing or repeated: a day without
    cases is a row with 0, because a gap would silently shift every later day of the renewal."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
            header = [name.strip() for name in (list(rows[0]) if rows else [])]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise CommandError(f"cannot read {path}: {exc}") from exc
    if not rows:
        raise CommandError(f"{path}: no data rows (a header and one row per day are needed)")
    rows = [{(k or "").strip(): v for k, v in row.items()} for row in rows]
    if "date" in header:
        key = "date"
    elif "day" in header:
        key = "day"
    else:
        raise CommandError(f"{path}: missing column 'date' (ISO dates) or 'day' (0, 1, 2 …)")
    if "local" in header or "imported" in header:
        if not {"local", "imported"} <= set(header):
            raise CommandError(f"{path}: columns 'local' and 'imported' must be given together")
        count_columns = ["local", "imported"]
    elif "I" in header:
        count_columns = ["I"]
    else:
        raise CommandError(f"{path}: missing column 'I', or columns 'local' and 'imported'")

    keys: list[int] = []
    dates: list[datetime.date] = []
    counts: dict[str, list[float]] = {c: [] for c in count_columns}
    for line, row in enumerate(rows, start=2):
        raw = (row.get(key) or "").strip()
        try:
            if key == "date":
                day = datetime.date.fromisoformat(raw)
                dates.append(day)
                index = day.toordinal()
            else:
                index = int(raw)
        except ValueError:
            expected = "an ISO date (YYYY-MM-DD)" if key == "date" else "a whole number"
            raise CommandError(f"line {line}: {key} {raw!r} is not {expected}") from None
        if keys and index != keys[-1] + 1:
            if index == keys[-1]:
                reason = f"duplicate {key} {raw}"
            elif index < keys[-1]:
                reason = f"{key} {raw} is out of order (rows must ascend by one day)"
            else:
                reason = f"gap of {index - keys[-1] - 1} day(s) before {key} {raw}"
            raise CommandError(f"line {line}: {reason}; give every day, with 0 when no cases")
        keys.append(index)
        for column in count_columns:
            counts[column].append(parse_count(row.get(column), line, column))
    local = counts["local"] if "local" in counts else counts["I"]
    imported = counts.get("imported", [0.0] * len(local))
    return (dates or None), local, imported


def parse_count(raw: str | None, line: int, column: str) -> float:
    text = (raw or "").strip()
    try:
        value = float(text)
    except ValueError:
        raise CommandError(f"line {line}: {column} {text!r} is not a number") from None
    if not math.isfinite(value) or value < 0 or value != int(value):
        raise CommandError(f"line {line}: {column} {text!r} is not a whole number >= 0")
    return value


def read_si_distr(path: Path) -> list[float]:
    """The serial interval as numbers from day 0, one per line or comma-separated."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"cannot read {path}: {exc}") from exc
    values: list[float] = []
    for line, content in enumerate(text.splitlines(), start=1):
        for token in content.replace(",", " ").split():
            try:
                values.append(float(token))
            except ValueError:
                raise CommandError(f"{path} line {line}: {token!r} is not a number") from None
    return values


class Command(BaseCommand):
    help = (
        "Estimate Rt (Cori et al. 2013, as EpiEstim estimate_R) on sliding windows from a CSV of "
        "daily cases with a 'date' or 'day' column and 'I' or 'local' and 'imported' columns."
    )

    def add_arguments(self, parser):
        parser.add_argument("incidence", type=Path, help="CSV file of daily cases")
        parser.add_argument("--si-mean", type=float, help="serial interval mean in days (> 1)")
        parser.add_argument("--si-sd", type=float, help="serial interval standard deviation")
        parser.add_argument(
            "--si-distr", type=Path, help="file of the discrete serial interval from day 0 (= 0)"
        )
        parser.add_argument("--window", type=int, default=7, help="window length in days")

    def handle(self, *args, incidence, si_mean, si_sd, si_distr, window, **options):
        parametric = si_mean is not None or si_sd is not None
        if parametric == (si_distr is not None):
            raise CommandError("give the serial interval: --si-mean and --si-sd, or --si-distr")
        if parametric and (si_mean is None or si_sd is None):
            raise CommandError("--si-mean and --si-sd must be given together")
        dates, local, imported = read_incidence(incidence)
        si = {"si_distr": read_si_distr(si_distr)} if si_distr else {}
        try:
            est = estimate_r(local, imported, si_mean=si_mean, si_sd=si_sd, window=window, **si)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if dates:
            header = ["t_start", "t_end", "date_start", "date_end", *COLUMNS[2:]]
        else:
            header = COLUMNS
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(header)
        for row in est.rows():
            cells: list[object] = [row["t_start"], row["t_end"]]
            if dates:
                cells += [dates[row["t_start"] - 1], dates[row["t_end"] - 1]]
            cells += [f"{row[c]:.10g}" for c in COLUMNS[2:]]
            writer.writerow(cells)
        if not est.rows():
            self.stderr.write("no window ends after the mean serial interval; nothing to report")
