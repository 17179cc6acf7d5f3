"""An investigation reads the rules of its case's disease (decision 0041): influenza's rule pack
traces no close contacts and sets no investigation deadlines, COVID-19's 8th edition does; the
lists filter investigations and contacts by the disease of their case; a transmission link joins
two cases of one disease, and each disease's serial interval reads its own pairs."""

import pytest
from django.core.exceptions import ValidationError

from pingji.cases.tests.factories import CaseFactory
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.tracing.actions.chains import do_link_cases
from pingji.tracing.actions.investigations import do_open_investigation
from pingji.tracing.chains import transmission_pairs
from pingji.tracing.choices import LinkEvidence
from pingji.tracing.models import Link

from .conftest import GRID


def test_an_investigation_of_an_influenza_case_reads_influenza_rules(epi, resident, neighbour):
    flu = do_open_investigation(CaseFactory(person=resident, disease_id="influenza"), actor=epi)
    assert flu.protocol.disease_id == "influenza"
    assert flu.lookback_from is None and flu.core_due_at is None
    covid = do_open_investigation(CaseFactory(person=neighbour), actor=epi)
    assert covid.protocol.code == "cn-8th-edition"
    assert covid.lookback_from is not None and covid.core_due_at is not None


def test_investigations_are_listed_by_the_disease_of_their_case(api, epi, resident, neighbour):
    flu = do_open_investigation(CaseFactory(person=resident, disease_id="influenza"), actor=epi)
    do_open_investigation(CaseFactory(person=neighbour), actor=epi)
    url = "/api/tracing/investigations/"
    listed = api(epi).get(url, {"disease": "influenza"}).json()["results"]
    assert [row["id"] for row in listed] == [flu.pk]
    assert len(api(epi).get(url).json()["results"]) == 2
    assert api(epi).get(url, {"disease": "<x>"}).status_code == 400


def test_a_case_is_not_linked_to_a_case_of_another_disease(epi, resident, neighbour):
    flu = CaseFactory(person=resident, disease_id="influenza")
    covid = CaseFactory(person=neighbour)
    with pytest.raises(ValidationError) as refused:
        do_link_cases(flu, covid, actor=epi, evidence=LinkEvidence.values[0])
    assert "another disease" in refused.value.message_dict["infector"][0]
    assert not Link.objects.exists()


def test_the_serial_interval_reads_pairs_of_its_disease_only(epi, tree):
    def pair(disease):
        infector, infectee = (
            CaseFactory(
                person=PersonFactory(household=HouseholdFactory(jurisdiction=tree[GRID])),
                disease_id=disease,
            )
            for _ in range(2)
        )
        do_link_cases(infector, infectee, actor=epi, evidence=LinkEvidence.values[0])

    pair("dengue")
    pair("covid-19")
    assert len(transmission_pairs("35")) == 1
    assert len(transmission_pairs("35", disease="dengue")) == 1
