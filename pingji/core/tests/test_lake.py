"""The analytic store's writer and connections: day files, order, all or nothing."""

import datetime

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pingji.core import lake

D1, D2, D3 = (datetime.date(2021, 9, d) for d in (10, 11, 12))


@pytest.fixture(autouse=True)
def analytic_dir(settings, tmp_path):
    settings.ANALYTIC_DIR = tmp_path / "analytic"


def rows(days):
    return pa.table({"n": list(range(len(days))), "day": pa.array(days, pa.date32())})


def test_rows_go_to_their_day_in_their_order_without_the_day_column():
    # Given rows of three days, interleaved
    written = lake.append("things", rows([D2, D1, D3, D1, D2, D1]))
    # Then one file per day, each holding its rows in their order, the day only in the path
    assert sorted(p.parent.name for p in written) == [f"day={d}" for d in (D1, D2, D3)]
    by_day = {p.parent.name: pq.read_table(p) for p in written}
    assert by_day[f"day={D1}"].column_names == ["n"]
    assert by_day[f"day={D1}"].column("n").to_pylist() == [1, 3, 5]
    assert by_day[f"day={D2}"].column("n").to_pylist() == [0, 4]
    assert lake.days("things") == [D1, D2, D3]
    assert sorted(lake.read("things").column("n").to_pylist()) == list(range(6))


def test_a_big_day_is_split_into_files_that_keep_the_order(monkeypatch):
    monkeypatch.setattr(lake, "FILE_ROWS", 4)
    written = lake.append("things", rows([D1] * 10))
    assert len(written) == 3
    parts = sorted(written, key=lambda p: pq.read_table(p).column("n")[0].as_py())
    assert [pq.read_table(p).column("n").to_pylist() for p in parts] == [
        [0, 1, 2, 3],
        [4, 5, 6, 7],
        [8, 9],
    ]


def test_a_failed_write_leaves_the_dataset_as_it_was(monkeypatch):
    # Given a dataset with one file, and a writer that fails on the second of three files
    lake.append("things", rows([D1]))
    before = sorted(lake.dataset_dir("things").rglob("*"))
    real, calls = pq.write_table, []

    def failing(table, path, **kwargs):
        calls.append(path)
        if len(calls) == 2:
            raise OSError("disk full")
        real(table, path, **kwargs)

    monkeypatch.setattr(pq, "write_table", failing)
    with pytest.raises(OSError):
        lake.append("things", rows([D1, D2, D3]))
    # Then no new file and no staging directory remain
    assert sorted(lake.dataset_dir("things").rglob("*")) == before


def test_a_row_without_a_day_is_refused():
    with pytest.raises(ValueError, match="day"):
        lake.append("things", rows([D1, None]))
    assert lake.files("things") == []


def test_connections_keep_their_own_temporary_tables():
    first, second = lake.connect(), lake.connect()
    try:
        first.execute("CREATE TEMP TABLE t AS SELECT 1 AS x")
        second.execute("CREATE TEMP TABLE t AS SELECT 2 AS x")
        assert first.execute("SELECT x FROM t").fetchall() == [(1,)]
        assert second.execute("SELECT unix_seconds(TIMESTAMP '1970-01-02')").fetchall() == [
            (86400,)
        ]
    finally:
        first.close()
        second.close()
