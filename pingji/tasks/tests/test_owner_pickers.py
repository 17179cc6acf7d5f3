"""A task's and an improvement's owner are typed into the jurisdiction picker, narrowed to the
focus and the two levels below it: an owner of another county, above the focus, too deep or
given as no number is a form error — never a server error."""

import datetime

import pytest

from pingji.geo.models import Jurisdiction
from pingji.tasks.actions.reviews import do_create_review
from pingji.tasks.forms import ImprovementForm, TaskForm
from pingji.users.choices import Role

from .conftest import COMMUNITY, COUNTY, GRID, GRID2

pytestmark = pytest.mark.django_db
MALFORMED = ["abc", "9" * 30, "-1", "１", "1 OR 1=1"]
TASK = {"title": "排查", "kind": "general", "deadline": "2031-09-12T09:00"}
REFUSED = ["No such jurisdiction in your area."]


def focus(code: str) -> Jurisdiction:
    return Jurisdiction.objects.get(code=code)


@pytest.mark.parametrize("key", [COUNTY, "350206", "350206001001001", *MALFORMED])
def test_an_owner_outside_the_focus_or_malformed_is_refused(community_op, key):
    form = TaskForm({**TASK, "jurisdiction": key}, user=community_op, focus=focus(COMMUNITY))
    assert not form.is_valid() and form.errors["jurisdiction"] == REFUSED


@pytest.mark.parametrize("code", [COMMUNITY, GRID, GRID2])
def test_an_owner_of_the_focus_or_below_is_accepted(community_op, tree, code):
    form = TaskForm({**TASK, "jurisdiction": code}, user=community_op, focus=focus(COMMUNITY))
    form.is_valid()
    assert "jurisdiction" not in form.errors
    assert form.cleaned_data["jurisdiction"] == tree[code]


def test_a_grid_is_three_levels_below_a_county_so_not_offered(county_cmd):
    form = TaskForm({**TASK, "jurisdiction": GRID}, user=county_cmd, focus=focus(COUNTY))
    assert not form.is_valid() and form.errors["jurisdiction"] == REFUSED
    html = str(TaskForm(user=county_cmd, focus=focus(COUNTY))["jurisdiction"])
    assert "within=350322&amp;level=county%2Ctownship%2Ccommunity" in html
    assert 'name="jurisdiction" value="350322"' in html  # the focus, chosen to start with


@pytest.fixture
def review(tree, make_user):
    return do_create_review(
        actor=make_user(Role.COMMANDER, "350322100", username="township"),
        title="鲤城街道总结反思",
        period_start=datetime.date(2021, 9, 10),
        period_end=datetime.date(2021, 9, 30),
    )


@pytest.mark.parametrize("key", [COUNTY, "350206", *MALFORMED])
def test_an_improvement_owner_outside_the_review_or_malformed_is_refused(county_cmd, review, key):
    data = {**TASK, "owner": key}
    form = ImprovementForm(data, user=county_cmd, review=review)
    assert not form.is_valid() and form.errors["owner"] == REFUSED


def test_an_improvement_owner_two_levels_below_the_review_is_accepted(county_cmd, review, tree):
    form = ImprovementForm({**TASK, "owner": GRID}, user=county_cmd, review=review)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["owner"] == tree[GRID]
