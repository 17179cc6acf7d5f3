"""The grid of a larval survey is typed into the jurisdiction picker: a grid of another county,
outside the focus, a jurisdiction that is no grid or a key that is no number is a form error —
never a server error."""

import pytest

from pingji.preparedness.vector_views import VectorSurveyForm

pytestmark = pytest.mark.django_db
GRID, GRID2, HULI_GRID = "350322100001001", "350322100001002", "350206001001001"
SURVEY = {"day": "2021-09-01", "houses_inspected": "10", "houses_positive": "0"}
REFUSED = ["No such grid in your area."]


@pytest.mark.parametrize(
    "key", [HULI_GRID, "350322100001", "350322", "abc", "9" * 30, "-1", "１", "1 OR 1=1"]
)
def test_a_grid_outside_the_area_or_malformed_is_refused(operator, key):
    form = VectorSurveyForm({**SURVEY, "containers_positive": "0", "grid": key}, user=operator)
    assert not form.is_valid() and form.errors["grid"] == REFUSED


def test_a_grid_of_the_area_is_accepted(operator, tree):
    form = VectorSurveyForm({**SURVEY, "containers_positive": "0", "grid": GRID2}, user=operator)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["grid"] == tree[GRID2]


def test_the_focus_narrows_the_grids_and_the_search(operator):
    data = {**SURVEY, "containers_positive": "0", "grid": GRID2}
    form = VectorSurveyForm(data, user=operator, focus=GRID)
    assert not form.is_valid() and form.errors["grid"] == REFUSED
    html = str(form["grid"])
    assert f'data-picker="/api/people/pick/jurisdictions/?within={GRID}&amp;level=grid"' in html
