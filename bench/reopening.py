"""Reopening at a province's size: with 200,000 establishments, the progress view for the province
and for a county under 1 s; importing 200,000 establishments from Excel under 60 s (targets).

Builds a fresh embedded database with Fujian's real divisions, writes a registry workbook of
``--rows`` establishments spread over the province's townships (kinds, sectors, credit codes with
their GB 32100-2015 check character; inline strings as openpyxl writes them, with the sheet
dimension Excel writes), tops the registry up to ``--total`` rows (bulk, untimed) when the import
covered a fraction of it, then times:

* ``import``: ``reopening.actions.imports.import_establishments`` of the whole workbook, as the
  province's administrator (read, check every row, look for duplicates in the registry, bulk
  insert);
* ``progress``: the progress page (``GET /reopening/progress/`` through Django's test client:
  restrict, grouped counts by child jurisdiction × kind and by sector, the daily series from the
  status history, open problems, targets, template rendering) for the province and for 仙游县,
  after ``--changes`` status changes (closures and resumptions over 60 days) — median of 5.

Peers, measured in the same run: reading the workbook alone with openpyxl (the floor any import
pays), and the one-row-at-a-time path (``actions.registry.do_register_establishment`` per row, as
the form and the API register) on ``--naive`` rows, given as rows per second.
"""

import argparse
import datetime
import os
import random
import statistics
import time
from pathlib import Path

from _common import emit, fresh_data_dir, peak_rss_mib, setup_django

KINDS = (
    ["enterprise"] * 45
    + ["shop"] * 30
    + ["market"] * 3
    + ["school"] * 12
    + ["kindergarten"] * 6
    + ["venue"] * 4
)
SECTORS = {
    "enterprise": "manufacturing",
    "shop": "retail",
    "market": "retail",
    "school": "education",
    "kindergarten": "education",
    "venue": "services",
}


def workbook(path: Path, rows: int, towns: list[str], rng) -> None:
    from openpyxl import Workbook

    from pingji.reopening.credit import ALPHABET, check_character

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["kind", "name", "credit_code", "sector", "workforce", "pupils", "jurisdiction"])
    for i in range(rows):
        kind = rng.choice(KINDS)
        town = towns[i % len(towns)]
        code = None
        if kind == "enterprise":
            first = "91" + town[:6] + "MA" + "".join(ALPHABET[int(c)] for c in f"{i:07d}")
            code = first + check_character(first)
        sheet.append(
            [
                kind,
                f"单位{i:06d}",
                code,
                SECTORS[kind],
                rng.randint(1, 800),
                rng.randint(100, 2000) if kind in ("school", "kindergarten") else 0,
                town,
            ]
        )
    book.save(path)
    add_dimension(path, f"A1:G{rows + 1}")


def add_dimension(path: Path, ref: str) -> None:
    """Write the sheet's <dimension>, as Excel and WPS do (openpyxl's write-only mode leaves it
    out, which makes every read-only reader parse the whole sheet once more to size it)."""
    import zipfile

    sheet = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as src:
        parts = {name: src.read(name) for name in src.namelist()}
    parts[sheet] = parts[sheet].replace(
        b"</sheetPr>", f'</sheetPr><dimension ref="{ref}"/>'.encode(), 1
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000, help="rows imported from Excel")
    parser.add_argument(
        "--total", type=int, default=200_000, help="registry size for the progress view"
    )
    parser.add_argument("--changes", type=int, default=60_000)
    parser.add_argument("--naive", type=int, default=2_000)
    args = parser.parse_args()
    data_dir = fresh_data_dir("reopening")
    setup_django(data_dir)
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone
    from openpyxl import load_workbook

    from pingji.geo.loaders import load_divisions
    from pingji.geo.models import Jurisdiction
    from pingji.reopening.actions.imports import import_establishments
    from pingji.reopening.actions.registry import do_register_establishment
    from pingji.reopening.models import Establishment, StatusChange
    from pingji.users.models import User

    call_command("migrate", verbosity=0)
    load_divisions()
    rng = random.Random(7)
    towns = list(Jurisdiction.objects.filter(level="township").values_list("code", flat=True))
    admin = User.objects.create_user(
        "bench-admin", password="x", role="administrator", jurisdiction_id="35"
    )
    county = User.objects.create_user(
        "bench-county", password="x", role="operator", jurisdiction_id="350322"
    )
    path = Path(data_dir) / "registry.xlsx"
    started = time.perf_counter()
    workbook(path, args.rows, towns, rng)
    write_s = time.perf_counter() - started

    started, cpu = time.perf_counter(), time.process_time()
    book = load_workbook(path, read_only=True, data_only=True)
    read_rows = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True)) - 1
    book.close()
    read_s, read_cpu = time.perf_counter() - started, time.process_time() - cpu

    province = Jurisdiction.objects.get(code="35")
    started, cpu = time.perf_counter(), time.process_time()
    with path.open("rb") as handle:
        result = import_establishments(handle, actor=admin, area=province)
    import_s, import_cpu = time.perf_counter() - started, time.process_time() - cpu
    assert not result["errors"], result["errors"][:5]

    # one-row-at-a-time peer on rows of its own (names the workbook does not use)
    started = time.perf_counter()
    town_rows = list(Jurisdiction.objects.filter(code__in=towns[: args.naive]))
    for i in range(args.naive):
        do_register_establishment(
            actor=admin,
            kind="shop",
            name=f"逐条{i}",
            sector="retail",
            jurisdiction=town_rows[i % len(town_rows)],
        )
    naive_rate = args.naive / (time.perf_counter() - started)

    # top the registry up to --total (bulk, untimed) when the import covered a fraction of it
    extra, kinds = [], list(SECTORS)
    for i in range(max(0, args.total - Establishment.objects.count())):
        kind = rng.choice(KINDS)
        extra.append(
            Establishment(
                kind=kind,
                name=f"补充{i:06d}",
                sector=SECTORS[kind],
                workforce=rng.randint(1, 800),
                jurisdiction_id=towns[i % len(towns)],
                pupils=rng.randint(100, 2000) if kind in kinds[3:5] else 0,
            )
        )
    Establishment.objects.bulk_create(extra, batch_size=5000)

    now = timezone.now()
    pks = list(Establishment.objects.values_list("pk", flat=True)[: args.changes // 2])
    changes = []
    for pk in pks:
        closed = now - datetime.timedelta(days=rng.randint(20, 59))
        back = closed + datetime.timedelta(days=rng.randint(1, 19))
        for previous, status, at in (("open", "closed", closed), ("closed", "resumed", back)):
            changes.append(
                StatusChange(
                    establishment_id=pk,
                    previous=previous,
                    status=status,
                    at=at,
                    day=timezone.localdate(at),
                )
            )
    StatusChange.objects.bulk_create(changes, batch_size=5000)
    Establishment.objects.filter(pk__in=pks[: len(pks) // 5]).update(status="closed")

    def page(user) -> float:
        client = Client()
        client.force_login(user)
        times, cpus = [], []
        for _ in range(5):
            started, cpu = time.perf_counter(), time.process_time()
            response = client.get("/reopening/progress/")
            times.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu)
            assert response.status_code == 200
        return round(statistics.median(times), 3), round(statistics.median(cpus), 3)

    province_s, province_cpu = page(admin)
    county_s, county_cpu = page(county)
    county_rows = Establishment.objects.subtree("350322").count()
    emit(
        "reopening",
        {
            "establishments": Establishment.objects.count(),
            "status_changes": len(changes),
            "import_rows": result["created"],
            "import_s": round(import_s, 2),
            "import_cpu_s": round(import_cpu, 2),
            "import_target_s": 60,
            "peer_openpyxl_read_only_s": round(read_s, 2),
            "peer_openpyxl_read_only_cpu_s": round(read_cpu, 2),
            "peer_openpyxl_rows": read_rows,
            "peer_one_by_one_rows_per_s": round(naive_rate, 1),
            "peer_one_by_one_rows": args.naive,
            "workbook_write_s": round(write_s, 2),
            "progress_province_s": province_s,
            "progress_province_cpu_s": province_cpu,
            "progress_county_s": county_s,
            "progress_county_cpu_s": county_cpu,
            "county_establishments": county_rows,
            "progress_target_s": 1,
            "peak_rss_mib": peak_rss_mib(),
            "load_average_1min": round(os.getloadavg()[0], 1),
        },
    )


if __name__ == "__main__":
    main()
