"""The overlap search as computation alone: no project, no analytic store, a bare DuckDB.

The search over the stored dataset, against a brute-force reference and on Spark, is tested where
the dataset lives (``pingji/tracing/tests/test_checkin_store.py``); these check that epi's part
runs on what it is handed and needs nothing else.
"""

import datetime

import duckdb
import pyarrow as pa
import pytest

from pingji.epi import overlap
from pingji.epi.overlap import Visit

T0 = datetime.datetime(2021, 9, 10, 10, 0)


def minutes(n: float) -> datetime.timedelta:
    return datetime.timedelta(minutes=n)


@pytest.fixture
def con():
    """A bare connection with the macro the shared SQL needs, as ``core.lake.connect`` adds it."""
    con = duckdb.connect()
    con.execute("CREATE MACRO unix_seconds(ts) AS CAST(epoch(ts) AS BIGINT)")
    yield con
    con.close()


def stays(con, rows) -> None:
    """``rows`` of (id hash as hex, venue, in, out), laid out as the store writes them."""
    table = pa.table(
        {
            "id_hash": pa.array([r[0] for r in rows], pa.string()),
            "phone_hash": pa.array([None] * len(rows), pa.string()),
            "venue": [r[1] for r in rows],
            "check_in": pa.array([r[2] for r in rows], pa.timestamp("us")),
            "check_out": pa.array([r[3] for r in rows], pa.timestamp("us")),
        }
    )
    laid_out = overlap.laid_out(con.from_arrow(table))
    assert laid_out.column("venue").to_pylist() == sorted(laid_out.column("venue").to_pylist())
    con.register("checkins", laid_out)


def test_the_search_runs_on_a_bare_connection_and_tiers_by_the_threshold(con):
    stays(
        con,
        [
            ("aa" * 32, "V1", T0, T0 + minutes(10)),  # exactly 10 minutes: not "more than"
            ("bb" * 32, "V1", T0 - minutes(30), T0 + minutes(11)),
            ("cc" * 32, "V2", T0, T0 + minutes(60)),  # another venue
            ("dd" * 32, "V1", T0 + minutes(90), T0 + minutes(120)),  # after the visit
        ],
    )
    found = overlap.on_duckdb(con, [Visit("v", "V1", T0, T0 + minutes(60))])
    rows = overlap.for_reading(found).to_pylist()
    assert [(r["id_hash"][:2], r["overlap_minutes"], r["tier"]) for r in rows] == [
        ("bb", 11.0, "close"),
        ("aa", 10.0, "companion"),
    ]
    assert found.column_names == overlap.COLUMNS


def test_a_visit_ending_before_it_starts_is_refused_before_anything_is_read(con):
    with pytest.raises(ValueError, match="'to' is before 'from'"):
        overlap.on_duckdb(con, [Visit("v", "V1", T0, T0 - minutes(1))])


def test_a_margin_widens_the_window_and_the_days_to_read():
    visit = Visit("v", "V1", T0, T0 + minutes(30), margin_minutes=15)
    assert visit.window() == (T0 - minutes(15), T0 + minutes(45))
    # a stay may start up to MAX_STAY before the window: the day before is read too
    assert overlap.days_to_read([visit]) == {datetime.date(2021, 9, 9), datetime.date(2021, 9, 10)}
    assert overlap.empty().column_names == overlap.COLUMNS
