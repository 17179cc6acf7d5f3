"""The readiness score: each part, what lowers it, and the province seeing every county."""

import datetime

from django.utils import timezone

from pingji.preparedness.actions.training import do_record_attendance, do_record_course
from pingji.preparedness.readiness import readiness_table
from pingji.resources.actions.stock import do_issue_stock, do_receive_stock
from pingji.resources.tests.factories import (
    FacilityFactory,
    StoreFactory,
    SupplyItemFactory,
    WorkforceFactory,
)
from pingji.users.choices import Role

ON = datetime.date(2021, 9, 1)
AT = timezone.make_aware(datetime.datetime(2021, 8, 10, 9))


def test_scores_and_reasons(tree, admin, make_user, api):
    make_user(Role.EPIDEMIOLOGIST, "350322", username="epi-1")
    store = StoreFactory(jurisdiction=tree["350322"])
    mask = SupplyItemFactory()
    do_receive_stock(store, item=mask, lot="A", quantity=1000, actor=admin, at=AT)
    do_issue_stock(store, item=mask, quantity=10, reason="clinic", actor=admin, at=AT)
    for kind, extra in [
        ("designated_hospital", {"general_beds": 100}),
        ("fever_clinic", {}),
        ("lab", {"daily_capacity": 5000}),
    ]:
        FacilityFactory(jurisdiction=tree["350322"], kind=kind, **extra)
    WorkforceFactory(jurisdiction=tree["350322"], headcount=10, needed=20)
    course = do_record_course(
        {
            "jurisdiction": tree["350322"],
            "title": "Drill basics",
            "role": "administrator",
            "held_on": ON,
        },
        actor=admin,
    )
    do_record_attendance(course, users=[admin], actor=admin)
    rows = {r.jurisdiction.code: r for r in readiness_table("35", ON)}
    assert set(rows) == {"350322", "350206"}  # the province sees every county
    xianyou, huli = rows["350322"], rows["350206"]
    assert xianyou.parts["reserves"] == 100  # 990 in stock ≥ 30 × 10 a day
    assert xianyou.parts["capacity"] == 38  # 3 of 4 kinds × 10 of 20 staff
    assert xianyou.parts["training"] == 50  # 1 of 2 users
    assert xianyou.parts["drills"] == 0 and xianyou.parts["improvements"] == 100
    reasons = " ".join(xianyou.lowered_by)
    assert "no quarantine rooms in reserve" in reasons and "workforce 10 of the 20" in reasons
    assert "no drill in the past year" in reasons
    assert huli.score < xianyou.score and "no supplies recorded" in " ".join(huli.lowered_by)
    # a county sees only itself; the API answers the same
    assert [r.jurisdiction.code for r in readiness_table("350322", ON)] == ["350322"]
    listed = api(admin).get("/api/preparedness/readiness/", {"on": "2021-09-01"}).json()
    assert [r["jurisdiction"] for r in listed] == ["350322"]
    assert api(admin).get("/api/preparedness/readiness/", {"within": "350206"}).status_code == 404
