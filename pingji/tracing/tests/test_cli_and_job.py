"""``pingji checkins import|search`` and the background search job."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from pingji.core import jobs
from pingji.core.choices import JobStatus
from pingji.core.crypto import lookup_hash

LOG = (
    "id_number,phone,venue,check_in,check_out\n"
    "110101199001011237,,V1,2021-09-10 10:00,2021-09-10 11:00\n"
    ",13800138000,V1,2021-09-10 10:50,2021-09-10 12:00\n"
)


@pytest.fixture(autouse=True)
def analytic_dir(settings, tmp_path):
    settings.ANALYTIC_DIR = tmp_path / "analytic"


@pytest.fixture
def imported(tmp_path):
    (tmp_path / "log.csv").write_text(LOG, encoding="utf-8")
    (tmp_path / "venues.txt").write_text("V1\n", encoding="utf-8")
    call_command(
        "checkins", "import", str(tmp_path / "log.csv"), "--venues", str(tmp_path / "venues.txt")
    )
    return tmp_path


def test_cli_imports_then_searches_with_a_margin(imported):
    # Given a case at V1 from 11:00 to 11:30
    (imported / "visits.csv").write_text(
        "visit_id,venue,start,end\nc1,V1,2021-09-10 11:00,2021-09-10 11:30\n", encoding="utf-8"
    )
    out = io.StringIO()
    # When searched with 5 minutes of margin
    call_command("checkins", "search", str(imported / "visits.csv"), "--margin", "5", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    # Then the first stay overlaps 10:55–11:00 (companion), the second 10:55–11:35 (close)
    assert [(r["phone_hash"] or r["id_hash"], r["overlap_minutes"], r["tier"]) for r in rows] == [
        (lookup_hash("13800138000"), "40.0", "close"),
        (lookup_hash("110101199001011237"), "5.0", "companion"),
    ]


def test_cli_import_refuses_a_bad_file_and_prints_the_report(tmp_path):
    (tmp_path / "log.csv").write_text(LOG.replace("V1", "V2", 1), encoding="utf-8")
    (tmp_path / "venues.txt").write_text("V1\n", encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command(
            "checkins",
            "import",
            str(tmp_path / "log.csv"),
            "--venues",
            str(tmp_path / "venues.txt"),
            stdout=out,
        )
    assert out.getvalue().splitlines() == ["row,field,reason", "2,venue,unknown venue code V2"]


@pytest.mark.django_db
def test_cli_import_takes_venues_from_the_database(tmp_path):
    (tmp_path / "log.csv").write_text(LOG, encoding="utf-8")
    with pytest.raises(CommandError, match="2 problem"):  # no venue place exists
        call_command("checkins", "import", str(tmp_path / "log.csv"), "--venues-from-db")


@pytest.mark.django_db(transaction=True)
def test_search_job_reports_progress_and_contacts(imported, settings):
    settings.JOBS_BACKEND = "sync"
    row = jobs.enqueue(
        "tracing.checkin_search",
        {
            "visits": [
                {
                    "visit_id": "c1",
                    "venue": "V1",
                    "start": "2021-09-10T10:30",
                    "end": "2021-09-10T10:40",
                }
            ]
        },
    )
    row.refresh_from_db()
    assert row.status == JobStatus.SUCCEEDED, row.message
    assert (row.progress, row.total) == (1, 1)
    # the keyed hashes stay on the server (decision 0031); the contact says what it carried
    (contact,) = row.result["contacts"]
    assert not [k for k in contact if k.endswith("_hash")]
    assert contact["identified_by"] == ["id_number"] and contact["person"] is None
    assert lookup_hash("110101199001011237") not in str(row.result)
    assert row.result["contacts"][0]["overlap_start"] == "2021-09-10T10:30:00"
