"""An investigation reads the rules of its case's disease (decision 0041): influenza's rule pack
traces no close contacts and sets no investigation deadlines, COVID-19's 8th edition does; the
lists filter investigations and contacts by the disease of their case."""

from pingji.cases.tests.factories import CaseFactory
from pingji.tracing.actions.investigations import do_open_investigation


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
