"""Risk areas are COVID-19's workflow (decision 0041): another disease's case neither holds an
area nor counts as community transmission."""

import datetime

from pingji.areas.indicator import community_transmission
from pingji.cases.tests.factories import CaseFactory
from pingji.people.tests.factories import HouseholdFactory, PersonFactory


def test_a_dengue_case_is_not_a_covid_infection_of_the_area(tree):
    person = PersonFactory(household=HouseholdFactory(jurisdiction=tree["350322100001001"]))
    CaseFactory(person=person, disease_id="dengue", channel="community_screening")
    day = datetime.date(2021, 9, 12)
    rows = community_transmission("3503", day)
    assert all(r.community == 0 and r.inside == 0 for r in rows), rows
    CaseFactory(person=person, channel="community_screening", episode=2)  # COVID-19's counts
    (xianyou,) = [r for r in community_transmission("3503", day) if r.code == "350322"]
    assert xianyou.community == 1
