"""Importing check-in logs: happy paths, every bad input, append-only, nothing half-written.

The same file imported twice, and an import killed mid-way: ``test_idempotent_checkins``.
"""

import datetime

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pingji.core import lake
from pingji.core.crypto import lookup_hash
from pingji.tracing.checkins import RowError, import_checkins

HEADER_ZH = "身份证号,手机号,场所码,签到时间,签离时间\n"
GOOD_ROWS = (
    "11010119900101123x,,V1,2021-09-10 10:00,2021-09-10 11:00:00\n"
    ",138-0013-8000,V2,2021-09-11 23:30,2021-09-12 00:30\n"
)
KNOWN = {"V1", "V2"}


@pytest.fixture(autouse=True)
def analytic_dir(settings, tmp_path):
    settings.ANALYTIC_DIR = tmp_path / "analytic"
    return settings.ANALYTIC_DIR


def write(tmp_path, text, encoding="utf-8", name="in.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def stored_files():
    return sorted(lake.dataset_dir("checkins").rglob("*"))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_is_imported_with_hashes_and_day_partitions(tmp_path, encoding):
    # Given a CSV with Chinese headers in UTF-8 (with or without BOM) or GBK
    path = write(tmp_path, HEADER_ZH + GOOD_ROWS, encoding)
    # When it is imported
    report = import_checkins(path, KNOWN)
    # Then both rows are stored, hashed like the ORM hashes, one file per check-in day
    assert report.ok and report.rows == 2
    assert sorted(p.parent.name for p in report.files) == ["day=2021-09-10", "day=2021-09-11"]
    rows = sorted(lake.read("checkins").to_pylist(), key=lambda r: r["venue"])
    assert rows[0]["id_hash"].hex() == lookup_hash("11010119900101123X")
    assert rows[0]["phone_hash"] is None
    assert rows[1]["phone_hash"].hex() == lookup_hash("13800138000")
    assert rows[1]["check_out"] == datetime.datetime(2021, 9, 12, 0, 30)
    assert rows[1]["day"] == datetime.date(2021, 9, 11)
    assert "1101011990" not in str(lake.read("checkins").to_pylist())


def test_parquet_with_english_headers_and_typed_times(tmp_path):
    # Given a Parquet file with English headers and real timestamps
    table = pa.table(
        {
            "id_number": ["110101199001011237"],
            "venue": ["V1"],
            "check_in": pa.array([datetime.datetime(2021, 9, 10, 8)], pa.timestamp("us")),
            "check_out": pa.array([datetime.datetime(2021, 9, 10, 9)], pa.timestamp("us")),
        }
    )
    pq.write_table(table, tmp_path / "in.parquet")
    # When it is imported
    report = import_checkins(tmp_path / "in.parquet", KNOWN)
    # Then the row is stored with its hash
    assert report.ok and report.rows == 1
    assert [h.hex() for h in lake.read("checkins").column("id_hash").to_pylist()] == [
        lookup_hash("110101199001011237")
    ]


def test_another_file_appends_new_files(tmp_path):
    first = import_checkins(write(tmp_path, HEADER_ZH + GOOD_ROWS), KNOWN)
    other = GOOD_ROWS.replace("10:00", "09:00")
    second = import_checkins(write(tmp_path, HEADER_ZH + other, name="other.csv"), KNOWN)
    assert second.ok and not second.already and set(first.files).isdisjoint(second.files)
    assert all(p.exists() for p in first.files + second.files)
    assert lake.read("checkins").num_rows == 4


def test_every_bad_row_is_reported_and_nothing_is_written(tmp_path):
    # Given a file with one good row and one problem of each kind
    path = write(
        tmp_path,
        "id_number,phone,venue,check_in,check_out\n"
        "110101199001011237,,V1,2021-09-10 10:00,2021-09-10 11:00\n"  # row 2: good
        "110101199001011237,,V1,2021-09-10 10:00,2021-09-10 11:00\n"  # 3: duplicate of 2
        "110101199001011237,,V1,2021-13-10 10:00,2021-09-10 11:00\n"  # 4: bad time
        "110101199001011237,,V1,2021-09-10 12:00,2021-09-10 11:00\n"  # 5: out before in
        "110101199001011237,,V9,2021-09-10 10:00,2021-09-10 11:00\n"  # 6: unknown venue
        ",,V1,2021-09-10 10:00,2021-09-10 11:00\n"  # 7: nobody
        "12345,99,V1,2021-09-10 10:00,\n"  # 8: bad id, bad phone, no check-out
        "110101199001011237,,V1,2021-09-10 10:00,2021-09-12 11:00\n",  # 9: 49 h stay
    )
    before = stored_files()
    # When it is imported
    report = import_checkins(path, KNOWN)
    # Then every problem is named, by row and field, and nothing reached the lake
    assert report.errors == [
        RowError(3, "row", "duplicate of row 2"),
        RowError(4, "check_in", "not a date and time (YYYY-MM-DD HH:MM[:SS]): 2021-13-10 10:00"),
        RowError(5, "check_out", "check-out is before check-in"),
        RowError(6, "venue", "unknown venue code V9"),
        RowError(7, "id_number", "neither an identity number nor a phone"),
        RowError(8, "check_out", "empty"),
        # the personal cells themselves are never repeated in a report
        RowError(8, "id_number", "not an identity number (17 digits then a digit or X)"),
        RowError(8, "phone", "not a mobile number (11 digits starting 13–19)"),
        RowError(9, "check_out", "stay longer than 24 hours (a missed check-out scan?)"),
    ]
    assert report.error_count == 9 and report.rows == 0
    assert stored_files() == before


def test_a_clean_file_the_quick_screen_doubts_is_still_imported(tmp_path, monkeypatch):
    # Given a clean file, and a quick screen that reports a problem (as a collision of its
    # 64-bit row hashes would)
    monkeypatch.setattr("pingji.tracing.checkins._COUNT", "SELECT 1")
    path = write(tmp_path, HEADER_ZH + GOOD_ROWS)
    # When it is imported
    report = import_checkins(path, KNOWN)
    # Then the exact pass finds nothing wrong and every row is stored
    assert report.ok and report.rows == 2
    assert lake.read("checkins").num_rows == 2


def test_missing_columns_are_named(tmp_path):
    path = write(tmp_path, "phone,venue,check_in\n13800138000,V1,2021-09-10 10:00\n")
    report = import_checkins(path, KNOWN)
    assert [(e.row, e.field) for e in report.errors] == [(1, "check_out")]
    assert "签离时间" in report.errors[0].reason
    assert stored_files() == []


def test_no_person_column_is_named(tmp_path):
    path = write(tmp_path, "venue,check_in,check_out\nV1,2021-09-10 10:00,2021-09-10 11:00\n")
    report = import_checkins(path, KNOWN)
    assert [(e.row, e.field) for e in report.errors] == [(1, "id_number")]


def test_a_wrong_encoding_is_refused_with_its_line(tmp_path):
    # Given a UTF-16 file (neither UTF-8 nor GBK)
    path = write(tmp_path, HEADER_ZH + GOOD_ROWS, "utf-16")
    report = import_checkins(path, KNOWN)
    assert report.errors == [RowError(1, "", "the file is neither UTF-8 nor GBK text")]
    assert stored_files() == []


def test_a_ragged_csv_row_is_refused(tmp_path):
    path = write(tmp_path, HEADER_ZH + GOOD_ROWS + "1,2\n")
    report = import_checkins(path, KNOWN)
    assert not report.ok and report.rows == 0
    assert stored_files() == []
