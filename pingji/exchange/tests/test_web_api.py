"""Pages and API: scoped reads, writes through the actions, the import's report, the export."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pingji.exchange.models import Extract, ReportCard
from pingji.tasks.choices import TaskStatus
from pingji.tasks.models import Task

from .helpers import csv_bytes, plain_id, row, workbook_text

pytestmark = pytest.mark.django_db


def test_the_card_list_shows_status_and_filters(client, epi, case):
    client.force_login(epi)
    page = client.get(reverse("exchange:card_list"))
    assert page.status_code == 200 and "overdue" in page.content.decode()
    filed = client.get(reverse("exchange:card_list") + "?status=filed")
    assert case.person.name not in filed.content.decode()


def test_the_form_files_the_card(client, epi, case):
    client.force_login(epi)
    card = case.report_card
    url = reverse("exchange:card_detail", args=[card.pk])
    assert client.get(url).status_code == 200
    answer = client.post(
        url, {"occupation": "farmer", "reporting_unit": "仙游县医院", "card_number": "K-7"}
    )
    assert answer.status_code == 302
    card.refresh_from_db()
    assert card.card_number == "K-7" and card.occupation == "farmer"
    assert Task.objects.for_source(card).get().status == TaskStatus.DONE


def test_the_form_refuses_without_writing(client, epi, case):
    client.force_login(epi)
    url = reverse("exchange:card_detail", args=[case.report_card.pk])
    answer = client.post(url, {"card_number": "K-7"})
    assert answer.status_code == 400
    assert ReportCard.objects.get(pk=case.report_card.pk).card_number is None


def test_another_county_gets_404(client, huli_epi, case):
    client.force_login(huli_epi)
    url = reverse("exchange:card_detail", args=[case.report_card.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"card_number": "K"}).status_code == 404


def test_the_export_page_is_the_card_layout(client, epi, case, huli_case):
    client.force_login(epi)
    answer = client.get(reverse("exchange:card_export"))
    rows = list(load_workbook(io.BytesIO(answer.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "卡片编号" and len(rows) == 2
    assert plain_id(case.person) not in workbook_text(answer.content)


def test_the_import_page_reports_refused_rows(client, epi, case):
    client.force_login(epi)
    bad = io.BytesIO(csv_bytes([row("C-1", case.person, county="110101")]))
    bad.name = "bad.csv"
    answer = client.post(reverse("exchange:extract_list"), {"file": bad})
    assert answer.status_code == 400 and "another province" in answer.content.decode()
    assert not Extract.objects.exists()
    good = io.BytesIO(csv_bytes([row("C-1", case.person)]))
    good.name = "good.csv"
    assert client.post(reverse("exchange:extract_list"), {"file": good}).status_code == 302
    assert ReportCard.objects.get(case=case).card_number == "C-1"


def test_the_reconciliation_page(client, epi, case):
    client.force_login(epi)
    answer = client.get(reverse("exchange:reconciliation") + "?on=2021-09-12")
    assert answer.status_code == 200


def test_api_cards_scoped_and_filed(api, epi, huli_epi, case, huli_case):
    mine = api(epi).get("/api/exchange/cards/").json()
    ids = [c["id"] for c in mine["results"]] if "results" in mine else [c["id"] for c in mine]
    assert ids == [case.report_card.pk]
    card_url = f"/api/exchange/cards/{case.report_card.pk}/"
    assert api(huli_epi).get(card_url).status_code == 404
    patched = api(epi).patch(card_url, {"occupation": "teacher", "reporting_unit": "医院"})
    assert patched.status_code == 200 and patched.json()["occupation"] == "teacher"
    filed = api(epi).post(card_url + "file/", {"card_number": "Z-1"})
    assert filed.status_code == 200 and filed.json()["status"] == "filed"
    again = api(epi).post(card_url + "file/", {"card_number": "Z-2"})
    assert again.status_code == 409
    assert "id_number_cipher" not in str(filed.json()) and "hash" not in str(filed.json())


def test_api_import_and_reconciliation(api, epi, case):
    data = csv_bytes([row("C-1", case.person)])
    upload = io.BytesIO(data)
    upload.name = "x.csv"
    first = api(epi).post("/api/exchange/extracts/", {"file": upload}, format="multipart")
    assert first.status_code == 201 and first.json()["filed_now"] == 1
    upload = io.BytesIO(data)
    upload.name = "x.csv"
    second = api(epi).post("/api/exchange/extracts/", {"file": upload}, format="multipart")
    assert second.status_code == 200 and second.json()["repeated"] is True
    bad = io.BytesIO(csv_bytes([row("C-2", id_number="110101198001010010")]))
    bad.name = "b.csv"
    refused = api(epi).post("/api/exchange/extracts/", {"file": bad}, format="multipart")
    assert refused.status_code == 400 and refused.json()["errors"][0]["row"] == 2
    rec = api(epi).get("/api/exchange/reconciliation/?on=2021-09-12").json()
    assert rec["counties"][0]["county"] == "350322" and rec["counties"][0]["extract"] == 1


def test_api_export_has_no_plain_identity(api, epi, case):
    answer = api(epi).get("/api/exchange/cards/export/")
    assert answer.status_code == 200
    assert plain_id(case.person) not in workbook_text(answer.content)


def test_the_reconciliation_page_lists_the_cards_behind(client, epi, case, make_person):
    from pingji.exchange.actions.extracts import do_import_extract

    stranger = make_person("张某")
    rows = [row("C-1", case.person), row("C-2", stranger)]
    do_import_extract(csv_bytes(rows), name="a.csv", actor=epi)
    client.force_login(epi)
    page = client.get(reverse("exchange:reconciliation") + "?on=2021-09-12&disease=covid-19")
    text = page.content.decode()
    assert page.status_code == 200 and "card C-2" in text and "no case here" in text
