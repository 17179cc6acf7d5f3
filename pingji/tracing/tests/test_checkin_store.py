"""The check-in search against a brute-force reference, the tier rule, pruning, and Spark.

It runs on the analytic store (``tracing.checkin_store``), so it lives with tracing; the
computation it checks is ``epi.overlap``'s.
"""

import datetime
import hashlib
import random
import shutil

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pingji.core import lake
from pingji.epi.overlap import Visit, days_to_read
from pingji.tracing import checkin_store
from pingji.tracing.checkin_store import search

T0 = datetime.datetime(2021, 9, 10)


@pytest.fixture(autouse=True)
def analytic_dir(settings, tmp_path):
    settings.ANALYTIC_DIR = tmp_path / "analytic"


def h(name):
    """A stand-in look-up hash (hex, as the importer makes them) for a test person."""
    return hashlib.sha256(name.encode()).hexdigest()


def store(rows):
    checkin_store.store(
        pa.table(
            {
                "id_hash": [h(r[0]) for r in rows],
                "phone_hash": pa.array([None] * len(rows), pa.string()),
                "venue": [r[1] for r in rows],
                "check_in": pa.array([r[2] for r in rows], pa.timestamp("us")),
                "check_out": pa.array([r[3] for r in rows], pa.timestamp("us")),
            }
        ),
    )


def random_data(seed, n=400):
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        cin = T0 + datetime.timedelta(minutes=rng.randrange(0, 4 * 1440))
        rows.append(
            (
                f"p{i}",
                f"V{rng.randrange(4)}",
                cin,
                cin + datetime.timedelta(minutes=rng.randrange(0, 600)),
            )
        )
    visits = []
    for j in range(20):
        start = T0 + datetime.timedelta(minutes=rng.randrange(0, 4 * 1440))
        end = start + datetime.timedelta(minutes=rng.randrange(0, 240))
        visits.append(
            Visit(f"v{j:02d}", f"V{rng.randrange(4)}", start, end, rng.choice([0, 15, 30]))
        )
    return rows, visits


def reference(rows, visits, close_minutes):
    found = set()
    for v in visits:
        start, end = v.window()
        for pid, venue, cin, cout in rows:
            if venue == v.venue and cin < end and cout > start:
                minutes = (min(cout, end) - max(cin, start)).total_seconds() / 60
                tier = "close" if minutes > close_minutes else "companion"
                found.add((v.visit_id, h(pid), max(cin, start), min(cout, end), minutes, tier))
    return found


def as_set(table):
    return {
        (
            r["visit_id"],
            r["id_hash"],
            r["overlap_start"],
            r["overlap_end"],
            float(r["overlap_minutes"]),
            r["tier"],
        )
        for r in table.to_pylist()
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_search_matches_a_brute_force_reference(seed):
    # Given random stays over four days and random visits with margins
    rows, visits = random_data(seed)
    store(rows)
    # When searched, then exactly the overlapping stays come back, with their evidence
    expected = reference(rows, visits, 10)
    assert expected  # the data do overlap
    assert as_set(search(visits)) == expected


def test_tier_follows_the_threshold():
    store(
        [
            ("a", "V1", T0, T0 + datetime.timedelta(minutes=10)),
            ("b", "V1", T0, T0 + datetime.timedelta(minutes=11)),
            ("c", "V2", T0, T0 + datetime.timedelta(minutes=60)),
        ]
    )
    visit = Visit("v", "V1", T0, T0 + datetime.timedelta(hours=1))
    tiers = {r["id_hash"]: r["tier"] for r in search([visit]).to_pylist()}
    # exactly 10 minutes is not "more than 10": companion; 11 is close; another venue is nothing
    assert tiers == {h("a"): "companion", h("b"): "close"}
    assert {r["tier"] for r in search([visit], close_minutes=5).to_pylist()} == {"close"}


def test_only_the_days_a_visit_touches_are_read():
    # Given stays on three days, and the file of a far-away day replaced by garbage
    near = T0 + datetime.timedelta(hours=23)
    store(
        [
            ("a", "V1", near, near + datetime.timedelta(hours=2)),
            ("b", "V1", T0 + datetime.timedelta(days=5), T0 + datetime.timedelta(days=5, hours=1)),
            ("c", "V1", T0 - datetime.timedelta(days=5), T0 - datetime.timedelta(days=5, hours=-1)),
        ]
    )
    for day in ("2021-09-15", "2021-09-05"):
        for path in (lake.dataset_dir("checkins") / f"day={day}").glob("*.parquet"):
            path.write_bytes(b"not parquet")
    visit = Visit(
        "v", "V1", T0 + datetime.timedelta(days=1), T0 + datetime.timedelta(days=1, hours=1)
    )
    # When searching a visit on 11 September (a stay may start up to 24 h before it)
    assert days_to_read([visit]) == {datetime.date(2021, 9, 10), datetime.date(2021, 9, 11)}
    # Then the stay checked in the evening before is found and the garbage is never read
    assert [r["id_hash"] for r in search([visit]).to_pylist()] == [h("a")]


def test_files_keep_raw_hashes_sorted_by_venue_then_check_in():
    # Given stays stored in no particular order
    rows, _visits = random_data(5, n=200)
    store(rows)
    # Then each file holds 32-byte hashes, its rows in venue then check-in order
    for path in lake.files("checkins"):
        table = pq.read_table(path)
        assert table.schema.field("id_hash").type == pa.binary()
        assert {len(v) for v in table.column("id_hash").to_pylist()} == {32}
        keys = [
            (r["venue"], r["check_in"]) for r in table.select(["venue", "check_in"]).to_pylist()
        ]
        assert keys == sorted(keys)


def test_no_data_gives_an_empty_result():
    assert search([Visit("v", "V1", T0, T0)]).num_rows == 0


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark")
    if not shutil.which("java"):
        pytest.skip("Spark needs Java")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[1]")
        .appName("pingji-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    yield session
    session.stop()


def test_spark_runs_the_same_sql_with_the_same_rows(spark):
    rows, visits = random_data(4, n=150)
    store(rows)
    duck = search(visits)
    on_spark = search(visits, engine="spark", spark=spark)
    assert as_set(on_spark) == as_set(duck) == reference(rows, visits, 10)
    assert on_spark.num_rows == duck.num_rows  # the same rows, no more: one per (visit, stay)
