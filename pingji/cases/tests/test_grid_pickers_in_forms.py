"""The grid of a case's person is typed (``core.widgets``): a grid of another county, outside the
focus, a jurisdiction that is no grid or a key that is no number is a form error, never a
server error, and the widget asks the jurisdiction picker for grids of the focus."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pingji.cases.forms import CaseReportForm, ImportForm
from pingji.cases.models import Case

from .conftest import GRID, HULI_GRID

pytestmark = pytest.mark.django_db
OTHER_GRID = "350322100001002"
REFUSED = ["No such grid in your area."]


def report(grid, **extra) -> dict:
    return {
        "id_number": "",
        "jurisdiction": grid,
        "classification": "confirmed",
        "severity": "mild",
        "reported_at": "2021-09-12T09:00",
        "channel": "community_screening",
        "origin": "local",
        **extra,
    }


def workbook() -> dict:
    return {"file": SimpleUploadedFile("cases.xlsx", b"PK\x03\x04")}


@pytest.mark.parametrize(
    "key", [HULI_GRID, "350322100001", "350322", "abc", "9" * 30, "-1", "３５", "1 OR 1=1"]
)
def test_a_grid_outside_the_area_or_malformed_is_refused(epi, key):
    form = CaseReportForm(report(key), user=epi)
    assert not form.is_valid() and form.errors["jurisdiction"] == REFUSED
    upload = ImportForm({"jurisdiction": key}, workbook(), user=epi)
    assert not upload.is_valid() and upload.errors["jurisdiction"] == REFUSED


def test_a_grid_of_the_area_is_accepted(epi, tree):
    form = CaseReportForm(report(GRID), user=epi)
    form.is_valid()
    assert "jurisdiction" not in form.errors and form.cleaned_data["jurisdiction"] == tree[GRID]
    upload = ImportForm({"jurisdiction": OTHER_GRID}, workbook(), user=epi)
    upload.is_valid()
    assert "jurisdiction" not in upload.errors
    assert upload.cleaned_data["jurisdiction"] == tree[OTHER_GRID]


def test_the_focus_narrows_the_grids(epi):
    form = CaseReportForm(report(OTHER_GRID), user=epi, focus=GRID)
    assert not form.is_valid() and form.errors["jurisdiction"] == REFUSED


def test_the_widget_asks_for_grids_of_the_focus_and_shows_the_chosen_one(epi):
    html = str(CaseReportForm(report(GRID), user=epi, focus="350322100")["jurisdiction"])
    assert 'data-picker="/api/people/pick/jurisdictions/?within=350322100&amp;level=grid"' in html
    assert f'name="jurisdiction" value="{GRID}"' in html
    assert "东门一网格 · grid · 东门社区" in html


def test_posting_another_countys_grid_answers_400_and_reports_nothing(client, epi):
    client.force_login(epi)
    response = client.post(reverse("cases:case_create"), report(HULI_GRID))
    assert response.status_code == 400
    assert "No such grid in your area." in response.content.decode()
    assert not Case.objects.exists()
