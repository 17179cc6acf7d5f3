"""Benchmark: one mass-testing round at city scale — ingest, coverage, positive-pool follow-up.

A round of ``--samples`` residents (default 10 million, "about Xiamen twice over") in pools of
``--pool`` (10:1, so 1 million tubes), grids of ``--grid-size`` residents:

1. ingest the sampling file (CSV: barcode, person, sampled_at, point) — every check of
   ``pingji.testing.actions.ingest`` (barcode format, resident of the round, time, point, duplicate
   rows, a person in two tubes, tubes reused or over the ratio), then append to the lake;
2. ingest the laboratory results file (one row per tube, ``--positive`` pools positive) with its
   checks (format, unknown tube, result word, time, duplicate, already resulted);
3. coverage by grid and compound; the follow-up lists (members) of the positive pools.

Ours: exactly the functions the upload job runs (DuckDB over Parquet, embedded). Peer: the same
pipeline in PostgreSQL — COPY into text tables, the same checks in SQL, INSERT into typed
tables, the same coverage and follow-up queries — measured in the same run. The round's target
residents are loaded beforehand on both sides (the round-opening snapshot), untimed.
"""

import argparse
import datetime
import os
import time
from pathlib import Path

from _common import emit, fresh_data_dir, peak_rss_mib, setup_django

PG_URL = "postgres://postgres@127.0.0.1:5432/pj_testing_bench"
START = datetime.datetime(2021, 9, 14, 14, 0)


def generate(folder: Path, n: int, pool: int, grid_size: int, positive: int) -> dict:
    import duckdb

    con = duckdb.connect()
    grid = (
        f"'350322' || lpad(CAST((i - 1) // {grid_size} // 100 AS VARCHAR), 3, '0') || '001' || "
        f"lpad(CAST((i - 1) // {grid_size} % 100 AS VARCHAR), 3, '0')"
    )
    con.execute(
        f"CREATE TABLE targets AS SELECT CAST(1 AS BIGINT) AS round_id, i AS person_id, "
        f"{grid} AS grid, ((i - 1) // {grid_size}) * 10 + i % 10 AS place_id, "
        f"(i - 1) // 3 AS household_id, CAST(NULL AS VARCHAR) AS id_hash, "
        f"DATE '2021-09-14' AS day FROM range(1, {n + 1}) t(i)"
    )
    con.execute(
        f"COPY (SELECT 'T' || lpad(CAST((i - 1) // {pool} AS VARCHAR), 9, '0') AS barcode, "
        f"i AS person, strftime(TIMESTAMP '2021-09-14 14:00:00' + INTERVAL (i % 129600) SECOND, "
        f"'%Y-%m-%d %H:%M:%S') AS sampled_at, 1 + (i // {grid_size}) % 5 AS point "
        f"FROM range(1, {n + 1}) t(i)) TO '{folder}/sampling.csv' (HEADER)"
    )
    tubes = -(-n // pool)
    step = max(1, tubes // max(positive, 1))
    con.execute(
        f"COPY (SELECT 'T' || lpad(CAST(t AS VARCHAR), 9, '0') AS barcode, "
        f"CASE WHEN t % {step} = 7 % {step} AND t // {step} < {positive} THEN '阳性' "
        f"ELSE '阴性' END AS result, '2021-09-15 20:00' AS resulted_at, '莆田市疾控' AS lab "
        f"FROM range(0, {tubes}) r(t)) TO '{folder}/results.csv' (HEADER)"
    )
    con.execute(f"COPY targets TO '{folder}/targets.parquet' (FORMAT parquet)")
    con.execute(
        f"COPY (SELECT person_id, grid, place_id, household_id FROM targets) "
        f"TO '{folder}/targets.csv' (HEADER)"
    )
    table = con.sql("SELECT * FROM targets").to_arrow_table()
    con.close()
    return {"tubes": tubes, "targets": table}


def ours(folder: Path, pool: int, threads: int | None) -> dict:
    from pingji.testing import store
    from pingji.testing.actions import ingest
    from pingji.testing.actions.ingest_rules import Rules

    rules = Rules(
        round_id=1, upload_id=1, starts_at=START, max_per_tube=pool, points={1, 2, 3, 4, 5}
    )
    t0 = time.perf_counter()
    sampling = ingest.ingest_sampling(folder / "sampling.csv", rules)
    t1 = time.perf_counter()
    rules.upload_id, rules.applied = 2, [1]
    results = ingest.ingest_results(folder / "results.csv", rules)
    t2 = time.perf_counter()
    con = store.open_round(1, [1, 2], threads)
    coverage = store.coverage(con)
    grids = len({row[0] for row in coverage})
    positives = [row[0] for row in store.positive_tubes(con, 2)]
    members = store.tube_members(con, positives)
    con.close()
    t3 = time.perf_counter()
    assert sampling.ok and results.ok, (sampling.errors[:3], results.errors[:3])
    return {
        "sampling_s": round(t1 - t0, 2),
        "results_s": round(t2 - t1, 2),
        "coverage_and_followup_s": round(t3 - t2, 2),
        "total_s": round(t3 - t0, 2),
        "grids": grids,
        "positive_pools": len(positives),
        "followup_members": len(members),
        "sampled_rows": sampling.rows,
    }


PG_SAMPLING_CHECKS = """
SELECT count(*) FROM (
SELECT rownum FROM raw WHERE barcode IS NULL OR barcode !~ '^[A-Z0-9]{6,32}$'
UNION ALL SELECT rownum FROM raw WHERE person IS NULL OR person !~ '^[0-9]+$'
UNION ALL SELECT r.rownum FROM raw r LEFT JOIN targets t ON t.person_id = r.person::bigint
    WHERE r.person ~ '^[0-9]+$' AND t.person_id IS NULL
UNION ALL SELECT rownum FROM raw WHERE sampled_at IS NULL
    OR sampled_at !~ '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}(:\\d{2})?$'
UNION ALL SELECT rownum FROM raw WHERE sampled_at::timestamp < %(start)s
UNION ALL SELECT rownum FROM raw WHERE point IS NOT NULL AND point::bigint NOT IN (1, 2, 3, 4, 5)
UNION ALL SELECT rownum FROM (SELECT rownum, min(rownum) OVER (PARTITION BY barcode, person) f
    FROM raw) d WHERE rownum > f
UNION ALL SELECT rownum FROM (SELECT rownum, barcode,
    first_value(barcode) OVER (PARTITION BY person ORDER BY rownum) f FROM raw) d WHERE barcode <> f
UNION ALL SELECT r.rownum FROM raw r JOIN samples s ON s.person_id = r.person::bigint
UNION ALL SELECT r.rownum FROM raw r JOIN samples s ON s.barcode = r.barcode
UNION ALL SELECT r.rownum FROM raw r JOIN (SELECT barcode FROM raw GROUP BY barcode
    HAVING count(DISTINCT person) > %(pool)s) b USING (barcode)
) problems
"""
PG_RESULTS_CHECKS = """
SELECT count(*) FROM (
SELECT rownum FROM rraw WHERE barcode IS NULL OR barcode !~ '^[A-Z0-9]{6,32}$'
UNION ALL SELECT rownum FROM rraw r
    WHERE NOT EXISTS (SELECT 1 FROM samples s WHERE s.barcode = r.barcode)
UNION ALL SELECT rownum FROM rraw WHERE result IS NULL
    OR lower(result) NOT IN ('negative','neg','阴性','positive','pos','阳性','invalid','无效')
UNION ALL SELECT rownum FROM rraw WHERE resulted_at IS NULL
    OR resulted_at !~ '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}(:\\d{2})?$'
UNION ALL SELECT rownum FROM (SELECT rownum, min(rownum) OVER (PARTITION BY barcode) f
    FROM rraw) d WHERE rownum > f
UNION ALL SELECT rownum FROM rraw r
    WHERE EXISTS (SELECT 1 FROM results s WHERE s.barcode = r.barcode)
) problems
"""
PG_COVERAGE = """
WITH tube AS (SELECT barcode, bool_or(result = 'positive') AS positive,
                     bool_and(result = 'invalid') AS invalid FROM results GROUP BY barcode),
s AS (SELECT s.person_id, bool_or(t.barcode IS NOT NULL AND NOT t.invalid) AS tested,
             bool_or(COALESCE(t.positive, false)) AS positive
      FROM samples s LEFT JOIN tube t USING (barcode) GROUP BY s.person_id)
SELECT g.grid, g.place_id, count(*), count(s.person_id), count(*) FILTER (WHERE s.tested),
       count(*) FILTER (WHERE s.positive)
FROM targets g LEFT JOIN s USING (person_id) GROUP BY g.grid, g.place_id
"""


def postgres(folder: Path, pool: int, url: str) -> dict:
    import psycopg

    admin = url.rsplit("/", 1)[0] + "/postgres"
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(admin, autocommit=True) as pg:
        pg.execute(f"DROP DATABASE IF EXISTS {name}")
        pg.execute(f"CREATE DATABASE {name}")
    with psycopg.connect(url, autocommit=True) as pg:
        pg.execute(
            "CREATE TABLE targets (person_id bigint PRIMARY KEY, grid text, place_id bigint, "
            "household_id bigint)"
        )
        with pg.cursor().copy("COPY targets FROM STDIN (FORMAT csv, HEADER)") as copy:
            copy.write((folder / "targets.csv").read_bytes())
        pg.execute("ANALYZE targets")
        pg.execute(
            "CREATE TABLE samples (barcode text, person_id bigint, sampled_at timestamp, "
            "point_id bigint); CREATE INDEX ON samples (barcode); "
            "CREATE INDEX ON samples (person_id)"
        )
        pg.execute(
            "CREATE TABLE results (barcode text, result text, lab text, resulted_at timestamp); "
            "CREATE INDEX ON results (barcode)"
        )
        t0 = time.perf_counter()
        pg.execute(
            "CREATE TEMP TABLE raw0 (barcode text, person text, sampled_at text, point text)"
        )
        with pg.cursor().copy("COPY raw0 FROM STDIN (FORMAT csv, HEADER)") as copy:
            with open(folder / "sampling.csv", "rb") as f:
                while chunk := f.read(8 << 20):
                    copy.write(chunk)
        pg.execute(
            "CREATE TEMP TABLE raw AS SELECT row_number() OVER () + 1 AS rownum, * FROM raw0"
        )
        problems = pg.execute(PG_SAMPLING_CHECKS, {"start": START, "pool": pool}).fetchone()[0]
        pg.execute(
            "INSERT INTO samples SELECT barcode, person::bigint, sampled_at::timestamp, "
            "point::bigint FROM raw"
        )
        t1 = time.perf_counter()
        pg.execute(
            "CREATE TEMP TABLE rraw0 (barcode text, result text, resulted_at text, lab text)"
        )
        with pg.cursor().copy("COPY rraw0 FROM STDIN (FORMAT csv, HEADER)") as copy:
            copy.write((folder / "results.csv").read_bytes())
        pg.execute(
            "CREATE TEMP TABLE rraw AS SELECT row_number() OVER () + 1 AS rownum, * FROM rraw0"
        )
        problems += pg.execute(PG_RESULTS_CHECKS).fetchone()[0]
        pg.execute(
            "INSERT INTO results SELECT barcode, CASE WHEN result IN ('阳性','positive','pos') "
            "THEN 'positive' WHEN result IN ('无效','invalid') THEN 'invalid' ELSE 'negative' END, "
            "lab, resulted_at::timestamp FROM rraw"
        )
        t2 = time.perf_counter()
        coverage = pg.execute(PG_COVERAGE).fetchall()
        members = pg.execute(
            "SELECT s.barcode, s.person_id, t.grid, s.sampled_at FROM samples s "
            "JOIN targets t USING (person_id) WHERE s.barcode IN "
            "(SELECT barcode FROM results WHERE result = 'positive') ORDER BY 1, 3, 2"
        ).fetchall()
        t3 = time.perf_counter()
    assert problems == 0, problems
    return {
        "sampling_s": round(t1 - t0, 2),
        "results_s": round(t2 - t1, 2),
        "coverage_and_followup_s": round(t3 - t2, 2),
        "total_s": round(t3 - t0, 2),
        "grids": len({row[0] for row in coverage}),
        "followup_members": len(members),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=10_000_000)
    ap.add_argument("--pool", type=int, default=10)
    ap.add_argument("--grid-size", type=int, default=1000)
    ap.add_argument("--positive", type=int, default=20)
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--pg-url", default=os.environ.get("PJ_TESTING_BENCH_PG", PG_URL))
    ap.add_argument("--no-peer", action="store_true")
    args = ap.parse_args()

    data_dir = fresh_data_dir("testing")
    setup_django(data_dir)
    from pingji.core import lake

    folder = Path(data_dir) / "files"
    folder.mkdir()
    started = time.perf_counter()
    made = generate(folder, args.samples, args.pool, args.grid_size, args.positive)
    lake.append("testing_targets", made.pop("targets"))
    generated_s = time.perf_counter() - started
    figures = {
        "samples": args.samples,
        "tubes": made["tubes"],
        "pool": args.pool,
        "grid_size": args.grid_size,
        "sampling_csv_mib": round((folder / "sampling.csv").stat().st_size / 2**20, 1),
        "generate_s": round(generated_s, 1),
        "ours_duckdb": ours(folder, args.pool, args.threads),
        "ours_peak_rss_mib": peak_rss_mib(),
    }
    if not args.no_peer:
        figures["peer_postgresql"] = postgres(folder, args.pool, args.pg_url)
        figures["speedup_vs_postgresql"] = round(
            figures["peer_postgresql"]["total_s"] / figures["ours_duckdb"]["total_s"], 1
        )
    emit("testing", figures)


if __name__ == "__main__":
    main()
