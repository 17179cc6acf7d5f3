"""The province's daily report (Word, Excel, HTML) with a large outbreak in PostgreSQL.

Target: the province's daily report in under 30 s with 1,000,000 persons and 100,000
cases. Uses the database ``bench/dashboard.py`` prepares (the same loader, reused when loaded).
Measured: ``do_generate_daily_report`` for the province (as the daily job runs it), then for each
city, and the province's figures checked against the sum of the cities'. Peer, measured in the
same run: the obvious way to get the report's case figures — every case event of the province
read into Python and counted by city and day in a loop (no document written).
Usage: ``python bench/daily_report.py [--database-url URL] [--persons N] [--cases N]``.
"""

import argparse
import time

from _common import emit, peak_rss_mib
from dashboard import DAY, ensure_database, load_cases, load_population, peer_counts, setup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/pj_analytics_bench"
    )
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20210910)
    args = parser.parse_args()
    ensure_database(args.database_url)
    setup(args.database_url)

    from pingji.cases.models import Case
    from pingji.geo.models import Jurisdiction
    from pingji.people.models import Person
    from pingji.reports.actions.daily_reports import do_generate_daily_report

    load_population(args.persons, args.seed)
    load_cases(args.cases, args.seed)
    province = Jurisdiction.objects.get(code="35")
    t0 = time.perf_counter()
    report = do_generate_daily_report(province, DAY)
    province_s = time.perf_counter() - t0
    cities, city_times = [], []
    for city in Jurisdiction.objects.filter(parent=province).order_by("code"):
        t0 = time.perf_counter()
        cities.append(do_generate_daily_report(city, DAY))
        city_times.append(time.perf_counter() - t0)
    consistent = all(
        value == sum(c.figures[key] for c in cities) for key, value in report.figures.items()
    )
    peer_s, peer_confirmed = peer_counts()
    emit(
        "daily_report",
        {
            "persons": Person.objects.count(),
            "cases": Case.objects.count(),
            "province_report_s": round(province_s, 2),
            "city_reports": len(cities),
            "city_report_max_s": round(max(city_times), 2),
            "docx_bytes": report.docx.size,
            "xlsx_bytes": report.xlsx.size,
            "confirmed": report.figures["cum_new_confirmed"],
            "province_equals_sum_of_cities": consistent,
            "peer": "every case event of the province into Python, counted by city and day",
            "peer_s": round(peer_s, 3),
            "peer_confirmed": peer_confirmed,
            "peak_rss_mib": peak_rss_mib(),
        },
    )


if __name__ == "__main__":
    main()
