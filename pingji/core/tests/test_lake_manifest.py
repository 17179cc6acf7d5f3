"""The analytic store's manifest: an import applied twice is stored once, a crashed one is redone.

A crash is simulated by making a step of the writer raise: the writer does not clean up after
itself (a killed process could not), so what it leaves is what a kill at that point leaves.
"""

import datetime
import fcntl
import json
import threading

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pingji.core import lake

D1, D2 = datetime.date(2021, 9, 10), datetime.date(2021, 9, 11)


@pytest.fixture(autouse=True)
def analytic_dir(settings, tmp_path):
    settings.ANALYTIC_DIR = tmp_path / "analytic"


def rows(days, start=0):
    n = len(days)
    return pa.table({"n": list(range(start, start + n)), "day": pa.array(days, pa.date32())})


def on_disk(name="things"):
    return sorted(lake.dataset_dir(name).glob(lake.PART_GLOB))


class Killed(Exception):
    """The writer stops here, as if its process were killed."""


def test_the_same_key_twice_stores_the_rows_once():
    first = lake.append("things", rows([D1, D2]), key="file:abc")
    again = lake.append("things", rows([D1, D2]), key="file:abc")
    assert again == first
    assert lake.read("things").num_rows == 2
    assert on_disk() == sorted(first)
    entry = lake.imported("things", "file:abc")
    assert entry is not None and entry.rows == 2 and len(entry.files) == 2


def test_without_a_key_the_same_rows_are_stored_once_and_other_rows_again():
    lake.append("things", rows([D1, D1]))
    lake.append("things", pa.concat_tables([rows([D1]), rows([D1], start=1)]))  # same rows
    assert lake.read("things").num_rows == 2
    lake.append("things", rows([D1, D1], start=2))
    assert sorted(lake.read("things").column("n").to_pylist()) == [0, 1, 2, 3]


def test_a_crash_before_the_manifest_is_never_read_and_a_rerun_stores_one_copy(monkeypatch):
    # Given an import whose writer dies once its files are placed, before it lists them
    lake.append("things", rows([D1]), key="before")
    real = lake._save

    def dies_before_listing(root, entry, target):
        if target.suffix == lake.LISTED and entry.key == "file:x":
            raise Killed
        real(root, entry, target)

    monkeypatch.setattr(lake, "_save", dies_before_listing)
    with pytest.raises(Killed):
        lake.append("things", rows([D1, D2], start=1), key="file:x")
    monkeypatch.setattr(lake, "_save", real)
    placed = [p for p in on_disk() if p not in lake.files("things")]
    assert len(placed) == 2  # the files are there ...
    assert lake.read("things").column("n").to_pylist() == [0]  # ... and nobody reads them
    assert lake.days("things") == [D1]
    assert lake.imported("things", "file:x") is None
    # When the import runs again
    lake.append("things", rows([D1, D2], start=1), key="file:x")
    # Then its rows are there once, and the files of the crashed run are gone
    assert sorted(lake.read("things").column("n").to_pylist()) == [0, 1, 2]
    assert not any(p.exists() for p in placed)
    assert len(on_disk()) == 3


def test_the_next_writer_of_any_import_removes_what_a_dead_writer_left(monkeypatch):
    real = lake._save

    def dies_before_listing(root, entry, target):
        if target.suffix == lake.LISTED:
            raise Killed
        real(root, entry, target)

    lake.append("things", rows([D1]), key="first")
    monkeypatch.setattr(lake, "_save", dies_before_listing)
    with pytest.raises(Killed):
        lake.append("things", rows([D2], start=1), key="dies")
    monkeypatch.setattr(lake, "_save", real)
    root = lake.dataset_dir("things")
    dead = root / ".staging-0123456789abcdef"  # a writer killed while writing its files
    dead.mkdir()
    (dead / "0.parquet").write_bytes(b"half a file")
    assert len(on_disk()) == 2
    lake.append("things", rows([D2], start=5), key="another")
    assert not dead.exists()
    assert not list(root.glob(".staging-*"))
    assert not list((root / lake.MANIFEST).glob(f"*{lake.PENDING}"))
    assert sorted(lake.read("things").column("n").to_pylist()) == [0, 5]
    assert len(on_disk()) == 2


def test_a_writer_killed_after_listing_keeps_its_import():
    written = lake.append("things", rows([D1]), key="listed")
    # as if killed between writing the entry and removing its intent
    entry = lake._entry_path(lake.dataset_dir("things"), "listed", lake.LISTED)
    entry.with_suffix(lake.PENDING).write_text(entry.read_text())
    lake.append("things", rows([D2], start=1), key="next")
    assert all(p.exists() for p in written)
    assert sorted(lake.read("things").column("n").to_pylist()) == [0, 1]


def test_a_dataset_from_before_the_manifest_stays_readable_and_is_listed_as_legacy():
    # Given a dataset written before manifests: a day file and no manifest
    day = lake.dataset_dir("things") / f"day={D1}"
    day.mkdir()
    pq.write_table(pa.table({"n": [7, 8]}), day / "part-old.parquet")
    assert [p.name for p in lake.files("things")] == ["part-old.parquet"]
    # When the first import with a key is appended
    lake.append("things", rows([D2]), key="new")
    # Then the old file is listed as legacy and both are read
    legacy = lake.imported("things", lake.LEGACY)
    assert legacy is not None and legacy.files == (f"day={D1}/part-old.parquet",)
    assert legacy.rows == 2
    assert sorted(lake.read("things").column("n").to_pylist()) == [0, 7, 8]


def test_the_manifest_names_each_import_and_its_files():
    written = lake.append("things", rows([D1, D2]), key="testing:1:sampling:abc:9")
    root = lake.dataset_dir("things")
    [entry] = [
        json.loads(p.read_text())
        for p in (root / lake.MANIFEST).glob("*.json")
        if json.loads(p.read_text())["key"] != lake.LEGACY
    ]
    assert entry["key"] == "testing:1:sampling:abc:9" and entry["rows"] == 2
    assert sorted(entry["files"]) == sorted(p.relative_to(root).as_posix() for p in written)


def test_appends_hold_the_dataset_lock_while_they_write(monkeypatch):
    # One writer: while an append writes, nobody else can take the dataset's lock.
    lake.append("things", rows([D1]), key="first")
    lock_path = lake.dataset_dir("things") / lake.LOCK
    seen = []
    real = lake._write

    def probing(root, key, pieces, count):
        with open(lock_path) as other:  # another open file: what another process would hold
            try:
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                seen.append("held")
            else:
                seen.append("free")
        return real(root, key, pieces, count)

    monkeypatch.setattr(lake, "_write", probing)
    lake.append("things", rows([D2], start=1), key="second")
    assert seen == ["held"]


def test_two_threads_importing_the_same_key_store_it_once():
    barrier = threading.Barrier(2)
    results = []

    def run():
        barrier.wait()
        results.append(lake.append("things", rows([D1, D2]), key="same"))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results[0] == results[1]
    assert lake.read("things").num_rows == 2
    assert len(on_disk()) == 2
