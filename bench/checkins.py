"""Check-in search and import rates, with the pandas and PostgreSQL peers in the same run.

Synthetic check-ins (``--rows``, default 100 million) over ``--days`` days written straight into
the ``checkins`` dataset of a throw-away analytic dir, one file per day, by DuckDB, in the layout
the importer writes (``tracing.checkin_store.store``: raw hashes, sorted by venue then check-in).
Venue popularity is skewed like real venues: venue = floor(V ** u), u uniform, i.e. density ∝ 1/x
(Zipf with s = 1), so a few venues take most scans. Stays last 5–180 minutes. Case visits
(``--visits``, default 1,000) are drawn from the same venue distribution over the last 14 days,
1–3 hours long, with a 30-minute margin.

Figures: the DuckDB search (median of 3) and its candidate count; the import rate from Parquet
and from CSV (``--import-rows`` rows each, identity numbers hashed, all validation on); peers on
the days the visits of the last visit day read, with every visit inside them (stated in the
output): a pandas merge on venue followed by the overlap filter, and PostgreSQL with a GiST index
on (venue, tsrange) via btree_gist, each against the DuckDB search on that same subset.
Usage: ``python bench/checkins.py [--rows 100000000]``.
"""

import argparse
import datetime
import os
import statistics
import sys
import time

from _common import ROOT, emit, fresh_data_dir, peak_rss_mib, setup_django

sys.path.insert(0, str(ROOT))

START = datetime.datetime(2022, 1, 1)


def generate(con, target: str, rows: int, days: int, venues: int, persons: int, seed: float):
    """Write the synthetic stays day by day in the dataset's own layout (``overlap.laid_out``)."""
    from pingji.core.lake import FILE_ROWS
    from pingji.epi.overlap import STORE_COLUMNS, STORE_ORDER

    con.execute(f"SELECT setseed({seed})")
    per_day = rows // days
    for n in range(days):
        day = (START + datetime.timedelta(days=n)).date()
        count = per_day + (1 if n < rows % days else 0)
        con.execute(
            f"""CREATE OR REPLACE TEMP VIEW stays AS
            SELECT sha256(CAST(p AS VARCHAR)) AS id_hash, CAST(NULL AS VARCHAR) AS phone_hash,
                   CAST(v AS VARCHAR) AS venue, cin AS check_in,
                   cin + to_minutes(CAST(5 + floor(random() * 175) AS BIGINT)) AS check_out
            FROM (SELECT CAST(floor(random() * {persons}) AS BIGINT) AS p,
                         CAST(floor(pow({venues}, random())) AS BIGINT) AS v,
                         TIMESTAMP '{day}' + to_seconds(CAST(floor(random() * 86400) AS BIGINT))
                             AS cin
                  FROM range({count}))"""
        )
        os.makedirs(f"{target}/day={day}", exist_ok=True)
        con.execute(
            f"COPY (SELECT * EXCLUDE (day) FROM (SELECT {STORE_COLUMNS} FROM stays "
            f"ORDER BY {STORE_ORDER})) TO '{target}/day={day}/part-0.parquet' "
            f"(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {FILE_ROWS})"
        )


def make_visits(n: int, days: int, venues: int, seed: int):
    import random

    from pingji.epi.overlap import Visit

    rng = random.Random(seed)
    out = []
    for i in range(n):
        start = START + datetime.timedelta(days=days - 14 + rng.random() * 14 - 1, minutes=0)
        start = start.replace(second=0, microsecond=0)
        out.append(
            Visit(
                f"v{i}",
                str(int(venues ** rng.random())),
                start,
                start + datetime.timedelta(minutes=rng.randint(60, 180)),
                30,
            )
        )
    return out


def timed(fn, repeat=3):
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def pandas_peer(paths, visits):
    import pandas as pd
    import pyarrow.parquet as pq

    t = time.perf_counter()
    checkins = pd.concat(
        [
            pq.read_table(p, columns=["id_hash", "venue", "check_in", "check_out"]).to_pandas()
            for p in paths
        ]
    )
    load = time.perf_counter() - t
    frame = pd.DataFrame(
        {
            "visit_id": [v.visit_id for v in visits],
            "venue": [v.venue for v in visits],
            "win_start": pd.to_datetime([v.window()[0] for v in visits]),
            "win_end": pd.to_datetime([v.window()[1] for v in visits]),
        }
    )
    t = time.perf_counter()
    merged = frame.merge(checkins, on="venue")
    hits = merged[(merged.check_in < merged.win_end) & (merged.check_out > merged.win_start)]
    return load, time.perf_counter() - t, len(hits)


def postgres_peer(paths, visits):
    import psycopg
    import pyarrow.parquet as pq

    url = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
    with psycopg.connect(url, autocommit=True) as pg:
        pg.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        pg.execute("DROP TABLE IF EXISTS bench_checkins, bench_visits")
        pg.execute("CREATE UNLOGGED TABLE bench_checkins (id_hash bytea, venue text, stay tsrange)")
        t = time.perf_counter()
        with pg.cursor().copy("COPY bench_checkins FROM STDIN") as copy:
            for p in paths:
                for r in pq.read_table(
                    p, columns=["id_hash", "venue", "check_in", "check_out"]
                ).to_pylist():
                    copy.write_row(
                        (r["id_hash"], r["venue"], f"[{r['check_in']},{r['check_out']})")
                    )
        pg.execute("CREATE INDEX ON bench_checkins USING gist (venue, stay)")
        pg.execute("ANALYZE bench_checkins")
        load = time.perf_counter() - t
        pg.execute("CREATE TEMP TABLE bench_visits (visit_id text, venue text, win tsrange)")
        with pg.cursor().copy("COPY bench_visits FROM STDIN") as copy:
            for v in visits:
                s, e = v.window()
                copy.write_row((v.visit_id, v.venue, f"[{s},{e})"))
        pg.execute("ANALYZE bench_visits")
        q = (
            "SELECT count(*) FROM bench_visits v JOIN bench_checkins c "
            "ON c.venue = v.venue AND c.stay && v.win"
        )
        secs, hits = timed(lambda: pg.execute(q).fetchone()[0], repeat=1)
        pg.execute("DROP TABLE bench_checkins")
    return load, secs, hits


def pandas_import_peer(path, known, out):
    """The Parquet import as a pandas script would do it: the same checks, the same keyed hash
    (the standard library's HMAC-SHA256, one copy of the keyed state per distinct value), sorted
    into the same layout and written with Arrow. Returns the rows and the distinct hashes."""
    import hmac

    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq
    from django.conf import settings

    from pingji.core import crypto

    keyed = hmac.new(crypto._hash_key(settings.FIELD_ENCRYPTION_KEY), digestmod="sha256")

    def lookup(value):
        h = keyed.copy()
        h.update(value.encode())
        return h.digest()

    f = pq.read_table(path).to_pandas()
    ids = f.id_number.str.strip().str.replace(r"[\s-]", "", regex=True).str.upper()
    bad = (
        ~ids.str.fullmatch(r"[0-9]{17}[0-9X]", na=False)
        | ~f.venue.str.strip().isin(known)
        | f.check_in.isna()
        | f.check_out.isna()
        | (f.check_out < f.check_in)
        | (f.check_out - f.check_in > pd.Timedelta(hours=24))
        | f.assign(id_number=ids).duplicated(keep="first")
    )
    assert not bad.any()
    distinct = ids.unique()
    hashes = dict(zip(distinct, map(lookup, distinct), strict=True))
    f = f.assign(id_hash=ids.map(hashes)).sort_values(["venue", "check_in"], kind="stable")
    pq.write_table(
        pa.Table.from_pandas(
            f[["id_hash", "venue", "check_in", "check_out"]], preserve_index=False
        ),
        out,
        row_group_size=1 << 20,
    )
    return len(f), set(hashes.values())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000_000)
    ap.add_argument("--days", type=int, default=60)
    ap.add_argument("--venues", type=int, default=200_000)
    ap.add_argument("--persons", type=int, default=10_000_000)
    ap.add_argument("--visits", type=int, default=1000)
    ap.add_argument("--import-rows", type=int, default=2_000_000)
    args = ap.parse_args()
    data_dir = fresh_data_dir("checkins")
    setup_django(data_dir)
    from pingji.core import lake
    from pingji.epi import overlap
    from pingji.tracing import checkin_store
    from pingji.tracing.checkins import import_checkins

    con = lake.connect()
    t = time.perf_counter()
    generate(
        con,
        str(lake.dataset_dir("checkins")),
        args.rows,
        args.days,
        args.venues,
        args.persons,
        0.42,
    )
    gen_s = time.perf_counter() - t
    visits = make_visits(args.visits, args.days, args.venues, 7)
    search_s, found = timed(lambda: checkin_store.search(visits))
    read_days = len(overlap.days_to_read(visits))

    # Peers on a subset: the days read by the visits of the last visit day, and every visit
    # whose days to read lie inside them.
    anchor = max(v.start.date() for v in visits)
    subset = overlap.days_to_read([v for v in visits if v.start.date() == anchor])
    peer_paths = lake.files("checkins", subset)
    peer_visits = [v for v in visits if overlap.days_to_read([v]) <= subset]
    peer_rows = sum(con.execute(f"SELECT count(*) FROM '{p}'").fetchone()[0] for p in peer_paths)
    duck_peer_s, duck_peer = timed(lambda: checkin_store.search(peer_visits))
    pd_load, pd_s, pd_hits = pandas_peer(peer_paths, peer_visits)
    pg_load, pg_s, pg_hits = postgres_peer(peer_paths, peer_visits)

    # Import rates: files of plain identity numbers, validated, hashed and appended.
    src = fresh_data_dir("checkins-src")
    n = args.import_rows
    con.execute("SELECT setseed(0.1)")
    con.execute(
        f"""CREATE TABLE plain AS SELECT
            CAST(110101199000000000 + CAST(floor(random() * {args.persons}) AS BIGINT) * 10
                AS VARCHAR)
                AS id_number,
            CAST(CAST(floor(pow({args.venues}, random())) AS BIGINT) AS VARCHAR) AS venue,
            TIMESTAMP '2023-03-01' + to_seconds(CAST(floor(random() * 86400) AS BIGINT))
                AS check_in FROM range({n})"""
    )
    con.execute("ALTER TABLE plain ADD COLUMN check_out TIMESTAMP")
    con.execute("UPDATE plain SET check_out = check_in + INTERVAL 1 HOUR")
    con.execute(f"COPY plain TO '{src}/in.parquet' (FORMAT parquet)")
    con.execute(
        f"COPY (SELECT id_number, venue, strftime(check_in, '%Y-%m-%d %H:%M:%S') AS check_in, "
        f"strftime(check_out, '%Y-%m-%d %H:%M:%S') AS check_out FROM plain) "
        f"TO '{src}/in.csv' (HEADER)"
    )
    known = {str(i) for i in range(1, args.venues + 1)}
    pq_s, pq_report = timed(lambda: import_checkins(f"{src}/in.parquet", known))
    csv_s, csv_report = timed(lambda: import_checkins(f"{src}/in.csv", known))
    assert pq_report.ok and csv_report.ok, (pq_report.errors[:3], csv_report.errors[:3])
    peer_s, (peer_n, peer_hashes) = timed(
        lambda: pandas_import_peer(f"{src}/in.parquet", known, f"{src}/peer.parquet")
    )
    stored = set(
        lake.connect()
        .sql(f"SELECT DISTINCT id_hash FROM read_parquet({[str(f) for f in pq_report.files]})")
        .to_arrow_table()
        .column(0)
        .to_pylist()
    )
    assert peer_n == n and peer_hashes == stored, "the peer must import the same rows, hashed alike"
    emit(
        "checkins",
        {
            "rows": args.rows,
            "days": args.days,
            "venues": args.venues,
            "visits": args.visits,
            "generate_s": round(gen_s, 1),
            "search_duckdb_s": round(search_s, 3),
            "search_days_read": read_days,
            "candidates": found.num_rows,
            "peer_rows": peer_rows,
            "peer_visits": len(peer_visits),
            "peer_duckdb_s": round(duck_peer_s, 3),
            "peer_pandas_load_s": round(pd_load, 2),
            "peer_pandas_merge_s": round(pd_s, 3),
            "peer_postgres_load_index_s": round(pg_load, 1),
            "peer_postgres_gist_s": round(pg_s, 3),
            "peer_candidates": {
                "duckdb": duck_peer.num_rows,
                "pandas": pd_hits,
                "postgres": pg_hits,
            },
            "import_rows": n,
            "import_parquet_rows_per_s": round(n / pq_s),
            "import_csv_rows_per_s": round(n / csv_s),
            "peer_pandas_import_parquet_rows_per_s": round(n / peer_s),
            "peak_rss_mib": peak_rss_mib(),
        },
    )


if __name__ == "__main__":
    main()
