"""A positive result reports a counted case at once, so the page, the API and the import ask for
an explicit confirmation first; without it nothing is recorded and the answer says so."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pingji.cases.models import Case
from pingji.core import clock
from pingji.core.models import DomainEvent

from .conftest import sep

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now(monkeypatch):
    """The clock reads 2021-09-13 10:00: 林某 is on day 3 of the placement."""
    monkeypatch.setattr(clock, "now", lambda: sep(13, 10))


def nothing_recorded(placement):
    placement.refresh_from_db()
    assert placement.status == "active"
    assert not placement.tests.exclude(status="pending").exists()
    assert not Case.objects.exists()
    assert not DomainEvent.objects.filter(kind="cases.reported").exists()


def result_url(placement):
    return reverse("quarantine:result", args=[placement.pk])


def test_the_page_says_what_a_positive_will_do_and_records_nothing_unconfirmed(
    client, operator, placed
):
    client.force_login(operator)
    page = client.get(placed.get_absolute_url()).content.decode()
    assert 'name="confirm"' in page and "counted today" in page
    data = {"result": "positive", "sampled_at": "2021-09-13T08:00"}
    refused = client.post(result_url(placed), data)
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "reports 林某 as an asymptomatic infection, counted today (2021-09-13)" in html
    assert "nothing has been recorded yet" in html
    nothing_recorded(placed)
    for unticked in ("", "false"):
        assert client.post(result_url(placed), {**data, "confirm": unticked}).status_code == 400
    nothing_recorded(placed)


def test_a_confirmed_positive_reports_the_case(client, operator, placed):
    client.force_login(operator)
    data = {"result": "positive", "sampled_at": "2021-09-13T08:00", "confirm": "on"}
    response = client.post(result_url(placed), data)
    assert response.status_code == 302
    placed.refresh_from_db()
    case = Case.objects.get()
    assert placed.status == "positive" and placed.case == case
    assert case.person == placed.person and case.classification == "asymptomatic"
    assert case.reported_at == sep(13, 10)  # counted today


def test_a_negative_needs_no_confirmation(client, operator, placed):
    client.force_login(operator)
    data = {"result": "negative", "sampled_at": "2021-09-13T08:00"}
    assert client.post(result_url(placed), data).status_code == 302
    assert placed.tests.filter(status="negative").count() == 1 and not Case.objects.exists()


def test_the_api_needs_confirm_true_for_a_positive(api, operator, placed):
    url = f"/api/quarantine/placements/{placed.pk}/result/"
    client = api(operator)
    body = {"result": "positive", "sampled_at": sep(13, 8).isoformat()}
    for extra in ({}, {"confirm": False}, {"confirm": "false"}):
        refused = client.post(url, {**body, **extra}, format="json")
        assert refused.status_code == 400, refused.json()
        assert "confirm: true" in refused.json()["confirm"][0]
    for hostile in (None, "maybe", "<script>", ["true"], {"$eq": True}):
        refused = client.post(url, {**body, "confirm": hostile}, format="json")
        assert refused.status_code == 400 and "confirm" in refused.json()
    nothing_recorded(placed)
    ok = client.post(url, {**body, "confirm": True}, format="json")
    assert ok.status_code == 200, ok.json()
    assert ok.json()["status"] == "positive" and Case.objects.count() == 1


def test_the_api_records_a_negative_without_confirm(api, operator, placed):
    url = f"/api/quarantine/placements/{placed.pk}/result/"
    ok = api(operator).post(
        url, {"result": "negative", "sampled_at": sep(13, 8).isoformat()}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["status"] == "negative"


def test_an_import_with_positives_is_recorded_only_when_confirmed(client, operator, placed):
    client.force_login(operator)
    number = placed.person.reveal()["id_number"]
    content = f"身份证号,采样时间,检测结果\n{number},2021-09-13 08:00,阳性\n".encode()
    url = reverse("quarantine:import")
    refused = client.post(url, {"file": SimpleUploadedFile("r.csv", content)})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Positive: reports 林某 as a case, counted today (2021-09-13)" in html
    nothing_recorded(placed)
    done = client.post(url, {"file": SimpleUploadedFile("r.csv", content), "confirm": "on"})
    assert done.status_code == 302
    assert Case.objects.get().person == placed.person
