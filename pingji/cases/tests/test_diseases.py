"""Cases of every disease (decision 0041): the disease is stored, checked and filtered, and a
person's open case of one disease does not block a report of another.

What the counts and tracing make of the disease is tested with them (analytics, tracing)."""

import pytest
from django.core.exceptions import ValidationError

from pingji.cases.actions.reports import do_report_case
from pingji.cases.imports import import_line_list
from pingji.cases.models import Case
from pingji.core.events import events_for

from .conftest import GRID
from .test_imports import CHINESE, row, workbook

URL = "/api/cases/cases/"


def test_an_influenza_case_is_stored_with_its_disease_and_says_so_in_its_event(
    epi, resident, confirmed_facts
):
    case = do_report_case(actor=epi, person=resident, disease="influenza", **confirmed_facts)
    assert case.disease_id == "influenza"
    (event,) = events_for(case)
    assert event.payload["disease"] == "influenza"


def test_an_open_case_blocks_a_second_report_of_its_own_disease_only(
    epi, resident, confirmed_facts
):
    first = do_report_case(actor=epi, person=resident, disease="dengue", **confirmed_facts)
    other = do_report_case(actor=epi, person=resident, disease="influenza", **confirmed_facts)
    assert (first.episode, other.episode) == (1, 2)
    with pytest.raises(ValidationError) as refused:
        do_report_case(actor=epi, person=resident, disease="dengue", **confirmed_facts)
    assert f"Case {first.pk}" in refused.value.message_dict["person"][0]
    assert Case.objects.count() == 2


@pytest.mark.parametrize("disease", ["ebola", "", "<script>", "x" * 500, 7])
def test_an_unknown_disease_is_refused_by_name_and_nothing_is_saved(
    epi, resident, confirmed_facts, disease
):
    if disease == "":
        assert do_report_case(actor=epi, person=resident, disease=disease, **confirmed_facts)
        return  # a report that names no disease is COVID-19's
    with pytest.raises(ValidationError) as refused:
        do_report_case(actor=epi, person=resident, disease=disease, **confirmed_facts)
    assert "is not a disease known here" in refused.value.message_dict["disease"][0]
    assert not Case.objects.exists()


def api_body(person, **over):
    return {
        "person": person.pk,
        "classification": "asymptomatic",
        "sampled_at": "2021-09-11T08:00:00+08:00",
        "reported_at": "2021-09-12T09:00:00+08:00",
        "channel": "centralised_quarantine",
        **over,
    }


def test_the_api_reports_filters_and_refuses_by_disease(api, epi, resident, huli_resident):
    made = api(epi).post(URL, api_body(resident, disease="hfmd"), format="json")
    assert made.status_code == 201, made.json()
    assert made.json()["disease"] == "hfmd"
    unknown = api(epi).post(URL, api_body(resident, disease="smallpox"), format="json")
    assert unknown.status_code == 400 and "disease" in unknown.json()
    listed = api(epi).get(URL, {"disease": "hfmd"}).json()["results"]
    assert [r["id"] for r in listed] == [made.json()["id"]]
    assert api(epi).get(URL, {"disease": "covid-19"}).json()["results"] == []
    assert api(epi).get(URL, {"disease": "nonsense"}).status_code == 400


def test_the_form_reports_a_case_of_the_chosen_disease(client, epi, resident):
    client.force_login(epi)
    page = client.get("/cases/new/")
    assert 'name="disease"' in page.content.decode()
    form = {
        "id_number": resident.reveal()["id_number"],
        "disease": "norovirus",
        "classification": "suspected",
        "reported_at": "2021-09-12 09:00",
        "channel": "fever_clinic",
        "origin": "local",
    }
    response = client.post("/cases/new/", form)
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert Case.objects.get().disease_id == "norovirus"
    bad = client.post("/cases/new/", {**form, "disease": "plague-x"})
    assert bad.status_code == 400 and "Choose a disease known here." in bad.content.decode()


def test_a_line_list_names_the_disease_by_its_chinese_name(epi, tree, resident):
    known = resident.reveal()["id_number"]
    source = workbook([[*row(known, "林某"), "手足口病"]], header=[*CHINESE, "病种"])
    result = import_line_list(source, actor=epi, grid=tree[GRID])
    assert result["errors"] == [] and Case.objects.get().disease_id == "hfmd"


def test_a_line_list_with_an_unknown_disease_names_the_row_and_imports_nothing(epi, tree, resident):
    known = resident.reveal()["id_number"]
    source = workbook([[*row(known, "林某"), "天花样病"]], header=[*CHINESE, "病种"])
    result = import_line_list(source, actor=epi, grid=tree[GRID])
    assert not Case.objects.exists()
    (error,) = result["errors"]
    assert error["row"] == 2 and "not a disease known here" in error["message"]
