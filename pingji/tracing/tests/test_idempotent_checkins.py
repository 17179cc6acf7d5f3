"""A check-in file imported twice, or again after a run killed mid-way, is stored once.

A kill is simulated by making a step of the lake's writer raise an exception nothing catches, so
what the run leaves is what a kill at that point leaves (docs/decisions/0039).
"""

import io

import pytest
from django.core.management import call_command

from pingji.core import lake
from pingji.tracing.checkins import import_checkins

LOG = (
    "id_number,phone,venue,check_in,check_out\n"
    "110101199001011237,,V1,2021-09-10 10:00,2021-09-10 11:00\n"
    ",13800138000,V1,2021-09-11 10:50,2021-09-11 12:00\n"
)
KNOWN = {"V1"}


class Killed(BaseException):
    """The importer's process stops here."""


@pytest.fixture(autouse=True)
def analytic_dir(settings, tmp_path):
    settings.ANALYTIC_DIR = tmp_path / "analytic"


@pytest.fixture
def log(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(LOG, encoding="utf-8")
    return path


def stays():
    return lake.read("checkins").num_rows


def on_disk():
    return sorted(lake.dataset_dir("checkins").glob(lake.PART_GLOB))


def test_the_same_file_twice_is_stored_once(log):
    first = import_checkins(log, KNOWN)
    again = import_checkins(log, KNOWN)
    assert first.ok and not first.already
    assert again.ok and again.already and again.rows == 2
    assert again.files == first.files
    assert stays() == 2 and len(on_disk()) == 2


def test_a_file_already_imported_is_not_checked_against_todays_venues(log):
    # The file was imported when V1 was a venue; asked again, it is found done, not refused.
    import_checkins(log, KNOWN)
    again = import_checkins(log, set())
    assert again.ok and again.already and stays() == 2


def test_killed_after_placing_its_files_before_saying_so_a_rerun_stores_one_copy(log, monkeypatch):
    # Given an import killed once its files are in place, before the manifest lists them
    real = lake._save

    def dies_before_listing(root, entry, target):
        if target.suffix == lake.LISTED:
            raise Killed
        real(root, entry, target)

    monkeypatch.setattr(lake, "_save", dies_before_listing)
    with pytest.raises(Killed):
        import_checkins(log, KNOWN)
    monkeypatch.undo()
    crashed = on_disk()
    assert len(crashed) == 2 and lake.files("checkins") == []  # there, and never read
    # When the user runs it again, twice for good measure
    first = import_checkins(log, KNOWN)
    second = import_checkins(log, KNOWN)
    # Then every stay is there once, and the crashed run's files are gone
    assert not first.already and second.already
    assert stays() == 2
    assert not any(p.exists() for p in crashed)
    assert on_disk() == sorted(first.files)


def test_staging_of_a_killed_import_is_removed_by_the_next(log, tmp_path, monkeypatch):
    real = lake.pq.write_table

    def dies_while_writing(table, path, **kwargs):
        real(table, path, **kwargs)
        raise Killed

    monkeypatch.setattr(lake.pq, "write_table", dies_while_writing)
    with pytest.raises(Killed):
        import_checkins(log, KNOWN)
    monkeypatch.undo()
    root = lake.dataset_dir("checkins")
    # a killed process does not run its clean-up: put back what its finally removed
    (root / ".staging-deadbeef").mkdir()
    (root / ".staging-deadbeef" / "0.parquet").write_bytes(b"PAR1 half")
    assert stays() == 0
    other = tmp_path / "other.csv"
    other.write_text(LOG.replace("10:00", "09:00"), encoding="utf-8")
    import_checkins(other, KNOWN)
    assert not list(root.glob(".staging-*"))
    assert stays() == 2


def test_the_command_run_twice_says_the_file_was_imported_before(log, tmp_path):
    venues = tmp_path / "venues.txt"
    venues.write_text("V1\n", encoding="utf-8")
    call_command("checkins", "import", str(log), "--venues", str(venues))
    err = io.StringIO()
    call_command("checkins", "import", str(log), "--venues", str(venues), stderr=err)
    assert "imported before" in err.getvalue() and "nothing was written" in err.getvalue()
    assert stays() == 2
