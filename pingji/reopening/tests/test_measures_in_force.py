"""Society-wide measures in force, from the real ``areas.lookup.measures_at``: a measure that
closes an establishment's kind blocks its approval as a sealed area does
(docs/decisions/0047-society-wide-measures.md)."""

import pytest
from django.core.exceptions import ValidationError

from pingji.areas.tests.factories import MeasureFactory
from pingji.reopening import controls
from pingji.reopening.actions.resumption import do_decide
from pingji.reopening.choices import Status

from .conftest import GRID, at
from .factories import EstablishmentFactory, SchoolFactory
from .test_controls_in_force import inspected


def test_schools_closed_by_the_county_wait_for_the_step_down(operator, tree):
    measure = MeasureFactory(
        jurisdiction=tree["350322"], kind="school_mode", setting={"mode": "closed"}
    )
    school = SchoolFactory(jurisdiction=tree[GRID], status=Status.CLOSED)
    with pytest.raises(ValidationError) as err:
        do_decide(inspected(operator, school), actor=operator, approve=True, at=at(9, 21))
    assert "society-wide measure of 仙游县" in str(err.value)
    school.refresh_from_db()
    assert school.status == Status.INSPECTED
    # Stepped down to staggered attendance (published): the school may resume
    measure.changes.create(
        jurisdiction=measure.jurisdiction,
        kind="step_down",
        from_setting={"mode": "closed"},
        to_setting={"mode": "staggered"},
        status="published",
        decided_at=at(9, 21, 10),
        effective_at=at(9, 21, 12),
        published_at=at(9, 21, 11),
    )
    app = school.applications.get()
    do_decide(app, actor=operator, approve=True, at=at(9, 21, 13))
    school.refresh_from_db()
    assert school.status == Status.RESUMED


def test_attendance_zero_closes_workplaces_and_venue_closures_their_kinds(tree):
    factory_ = EstablishmentFactory(jurisdiction=tree[GRID])
    shop = EstablishmentFactory(jurisdiction=tree[GRID], kind="shop", credit_code=None)
    school = SchoolFactory(jurisdiction=tree[GRID])
    MeasureFactory(jurisdiction=tree["3503"], kind="workplace_attendance", setting={"share": 0.0})
    MeasureFactory(
        jurisdiction=tree["350322"], kind="venue_closure", setting={"venue_kinds": ["shop"]}
    )
    assert controls.blocking_reason(factory_, at(9, 20))
    assert controls.blocking_reason(shop, at(9, 20))
    assert controls.blocking_reason(school, at(9, 20)) == ""
    assert controls.blocking_reason(factory_, at(9, 13)) == ""  # before the measures took effect
