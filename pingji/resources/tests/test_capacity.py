"""Labs' samples a day against the samples resulted, read from testing's lake
(``testing.evidence.samples_resulted``)."""

import datetime

import pyarrow as pa
import pytest
from django.utils import timezone

from pingji.core import lake
from pingji.geo.models import Jurisdiction
from pingji.resources.capacity import capacity_use, lab_use
from pingji.testing.choices import UploadStatus
from pingji.testing.evidence import samples_resulted
from pingji.testing.store import RESULTS, SAMPLES
from pingji.testing.tests.factories import UploadFactory
from pingji.users.choices import Role

from .factories import FacilityFactory

D11, D12 = datetime.date(2021, 9, 11), datetime.date(2021, 9, 12)
XIANYOU, HULI = "350322100001001", "350206001001001"
DRILL = "350322901001001"


def _append(upload, tubes: dict[str, tuple[str, int, datetime.date, str]]) -> None:
    """Write ``tubes`` (barcode → grid, persons, result day, result) as one upload's rows."""
    samples: dict[str, list] = {k: [] for k in ("barcode", "person_id", "grid", "day")}
    for barcode, (grid, persons, _day, _result) in tubes.items():
        for n in range(persons):
            samples["barcode"].append(barcode)
            samples["person_id"].append(hash((barcode, n)) % 10**9)
            samples["grid"].append(grid)
            samples["day"].append(D11)
    n = len(samples["barcode"])
    lake.append(
        SAMPLES,
        pa.table(
            {
                "round_id": pa.array([upload.round_id] * n, pa.int64()),
                "upload_id": pa.array([upload.pk] * n, pa.int64()),
                "barcode": pa.array(samples["barcode"], pa.string()),
                "person_id": pa.array(samples["person_id"], pa.int64()),
                "grid": pa.array(samples["grid"], pa.string()),
                "place_id": pa.array([None] * n, pa.int64()),
                "household_id": pa.array([None] * n, pa.int64()),
                "point_id": pa.array([None] * n, pa.int64()),
                "sampled_at": pa.array([datetime.datetime(2021, 9, 11, 8)] * n, pa.timestamp("us")),
                "day": pa.array(samples["day"], pa.date32()),
            }
        ),
    )
    m = len(tubes)
    lake.append(
        RESULTS,
        pa.table(
            {
                "round_id": pa.array([upload.round_id] * m, pa.int64()),
                "upload_id": pa.array([upload.pk] * m, pa.int64()),
                "barcode": pa.array(list(tubes), pa.string()),
                "result": pa.array([t[3] for t in tubes.values()], pa.string()),
                "lab": pa.array(["lab"] * m, pa.string()),
                "resulted_at": pa.array(
                    [datetime.datetime.combine(t[2], datetime.time(20)) for t in tubes.values()],
                    pa.timestamp("us"),
                ),
                "day": pa.array([t[2] for t in tubes.values()], pa.date32()),
            }
        ),
    )


@pytest.fixture
def lab_day(settings, tmp_path, tree):
    """Labs of 4 (仙游县) and 10 (湖里区) samples a day; on 11 September 5 samples resulted in
    仙游县 and 2 in 湖里区, on the 12th 5 more in 仙游县 (an invalid tube: the lab still ran it).
    A queued upload's tube and a drill sandbox's tube never count."""
    settings.ANALYTIC_DIR = tmp_path / "analytic"
    FacilityFactory(jurisdiction=tree["350322"], kind="lab", daily_capacity=4, general_beds=0)
    FacilityFactory(jurisdiction=tree["350206"], kind="lab", daily_capacity=10, general_beds=0)
    town = Jurisdiction.objects.create(
        code=DRILL[:9], name="drill", level="township", parent=tree["350322"], drill=True
    )
    community = Jurisdiction.objects.create(
        code=DRILL[:12], name="drill", level="community", parent=town, drill=True
    )
    Jurisdiction.objects.create(
        code=DRILL, name="drill", level="grid", parent=community, drill=True
    )
    applied = UploadFactory(jurisdiction=tree["350322"])
    _append(
        applied,
        {
            "T1": (XIANYOU, 5, D11, "negative"),
            "T2": (XIANYOU, 5, D12, "invalid"),
            "T3": (HULI, 2, D11, "positive"),
            "T4": (DRILL, 3, D11, "negative"),
        },
    )
    queued = UploadFactory(jurisdiction=tree["350322"], status=UploadStatus.QUEUED)
    _append(queued, {"Q1": (XIANYOU, 9, D11, "negative")})


def test_samples_resulted_per_subtree_and_day(lab_day):
    assert samples_resulted(["350322", "350206", "35"], D11) == {
        "350322": 5,
        "350206": 2,
        "35": 7,
    }
    assert samples_resulted(["350322"], D12) == {"350322": 5}
    assert samples_resulted(["350322"], datetime.date(2021, 9, 13)) == {"350322": 0}


def test_lab_use_per_county_is_scoped_to_the_area(lab_day):
    by_county = {
        u.jurisdiction.code: (u.capacity, u.resulted, u.percent) for u in lab_use("35", D11)
    }
    assert by_county == {"350206": (10, 2, 20), "350322": (4, 5, 125)}
    assert [u.jurisdiction.code for u in lab_use("350206", D11)] == ["350206"]
    labs = capacity_use(
        "350322", timezone.make_aware(datetime.datetime(2021, 9, 12, 9)), lab_day=D11
    )[-1]
    assert (labs.capacity, labs.in_use, labs.percent) == (4, 5, 125)


def test_lab_use_without_any_testing_reads_zero(tree, settings, tmp_path):
    settings.ANALYTIC_DIR = tmp_path / "none"
    FacilityFactory(jurisdiction=tree["350322"], kind="lab", daily_capacity=4)
    assert [(u.capacity, u.resulted) for u in lab_use("3503", D11)] == [(4, 0)]
    assert not (tmp_path / "none").exists()  # nothing asked of the lake


def test_the_capacity_page_shows_the_users_own_labs(client, lab_day, make_user):
    client.force_login(make_user(Role.OPERATOR, "350322"))
    page = client.get("/resources/facilities/?on=2021-09-11").content.decode()
    table = page[page.index('id="lab-use"') :]
    assert "仙游县" in table and "125" in table and "湖里区" not in table
    client.force_login(make_user(Role.OPERATOR, "350206"))
    page = client.get("/resources/facilities/?on=2021-09-11").content.decode()
    table = page[page.index('id="lab-use"') :]
    assert "湖里区" in table and "20" in table and "仙游县" not in table
    # a day that is not a date falls back to yesterday, which had no results
    assert client.get("/resources/facilities/?on=yesterday").status_code == 200
