"""The controls in force, from the real ``areas.lookup.controls_at``: an establishment in a sealed
compound is not approved."""

import pytest
from django.core.exceptions import ValidationError

from pingji.areas.tests.factories import RiskAreaFactory
from pingji.geo.tests.factories import PlaceFactory
from pingji.reopening import controls
from pingji.reopening.actions.resumption import do_apply, do_decide, do_inspect
from pingji.reopening.choices import Status

from .conftest import GRID, at
from .factories import SchoolFactory
from .test_actions import ALL_DONE_SCHOOL


@pytest.fixture(autouse=True)
def real_lookup(monkeypatch):
    from pingji.areas.lookup import controls_at

    monkeypatch.setattr(controls, "_controls_at", controls_at)


def inspected(operator, school):
    app = do_apply(school, actor=operator, checklist=ALL_DONE_SCHOOL, at=at(9, 20))
    return do_inspect(app, actor=operator, passed=True, at=at(9, 20, 12))


def test_a_school_in_a_sealed_compound_waits_for_the_lifting(operator, tree):
    compound = PlaceFactory(jurisdiction=tree[GRID], name="枫亭小区")
    area = RiskAreaFactory(jurisdiction=tree["350322"], name="枫亭小区封控区", extent=[compound])
    inside = SchoolFactory(jurisdiction=tree[GRID], place=compound, status=Status.CLOSED)
    elsewhere = SchoolFactory(jurisdiction=tree[GRID], status=Status.CLOSED)

    with pytest.raises(ValidationError) as err:
        do_decide(inspected(operator, inside), actor=operator, approve=True, at=at(9, 21))
    assert area.name in str(err.value)
    do_decide(inspected(operator, elsewhere), actor=operator, approve=True, at=at(9, 21))
    elsewhere.refresh_from_db()
    assert elsewhere.status == Status.RESUMED
