"""Case pages: list filters, detail and timeline, report/reclassify/outcome forms, import."""

import datetime
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from pingji.cases.actions.reports import do_report_case
from pingji.cases.models import Case
from pingji.core.models import Job
from pingji.people.models import Person
from pingji.people.tests.factories import id_number_for
from pingji.users.choices import Role

from .conftest import GRID
from .factories import CaseFactory


@pytest.fixture
def logged_in(client, epi):
    client.force_login(epi)
    return client


def form_data(id_number, **over):
    data = {
        "id_number": id_number,
        "classification": "confirmed",
        "severity": "mild",
        "onset_date": "2021-09-10",
        "sampled_at": "2021-09-11T08:00",
        "reported_at": "2021-09-12T09:00",
        "channel": "fever_clinic",
        "origin": "local",
    }
    return {**data, **over}


def test_the_list_filters_inside_and_outside_control(logged_in, resident, tree):
    inside = CaseFactory(person=resident, channel="home_quarantine")
    outside = CaseFactory(person__household=None, person__jurisdiction=tree[GRID])
    page = logged_in.get(reverse("cases:case_list"), {"inside_control": "true"})
    assert list(page.context["object_list"]) == [inside]
    page = logged_in.get(reverse("cases:case_list"), {"inside_control": "false"})
    assert list(page.context["object_list"]) == [outside]


def test_the_list_filters_by_report_date(logged_in, resident):
    CaseFactory(person=resident)
    page = logged_in.get(reverse("cases:case_list"), {"reported_from": "2021-09-13"})
    assert list(page.context["object_list"]) == []
    page = logged_in.get(reverse("cases:case_list"), {"reported_to": "2021-09-12"})
    assert len(page.context["object_list"]) == 1


def test_the_detail_shows_the_masked_identity_and_the_timeline(
    logged_in, epi, resident, asymptomatic_facts
):
    case = do_report_case(actor=epi, person=resident, **asymptomatic_facts)
    page = logged_in.get(case.get_absolute_url())
    html = page.content.decode()
    assert resident.id_number_masked in html
    assert resident.reveal()["id_number"] not in html
    assert f"Case {case.pk} reported: 林某, asymptomatic infection" in html
    assert "found inside control" in html


def test_an_outsider_gets_404(client, huli_epi, resident):
    case = CaseFactory(person=resident)
    client.force_login(huli_epi)
    assert client.get(case.get_absolute_url()).status_code == 404
    response = client.post(
        reverse("cases:case_outcome", args=[case.pk]),
        {"outcome-outcome": "recovered", "outcome-at": "2021-09-20T09:00"},
    )
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.outcome == "under_treatment"


def test_reporting_through_the_form_registers_and_reports(logged_in, tree):
    response = logged_in.post(
        reverse("cases:case_create"),
        form_data(id_number_for(7000), name="黄某", jurisdiction=GRID),
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == case.get_absolute_url()
    assert case.person.name == "黄某" and case.reported_at.hour == 1  # 09:00 Beijing is 01:00 UTC


def test_a_duplicate_report_through_the_form_is_flagged(logged_in, resident):
    existing = CaseFactory(person=resident)
    response = logged_in.post(
        reverse("cases:case_create"), form_data(resident.reveal()["id_number"])
    )
    assert response.status_code == 400
    assert f"already has Case {existing.pk}" in response.content.decode()
    assert Case.objects.count() == 1


def test_hostile_names_are_escaped_and_nothing_half_written(logged_in, tree):
    response = logged_in.post(
        reverse("cases:case_create"),
        form_data(
            id_number_for(7001),
            name="<script>alert(1)</script>",
            jurisdiction=GRID,
            onset_date="2021-09-20",
        ),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Symptom onset cannot be after the report." in html
    assert "<script>alert(1)</script>" not in html
    assert not Person.objects.exists() and not Case.objects.exists()


def test_reclassifying_through_the_form(logged_in, epi, resident, asymptomatic_facts):
    case = do_report_case(actor=epi, person=resident, **asymptomatic_facts)
    url = reverse("cases:case_reclassify", args=[case.pk])
    step = {"reclassify-classification": "confirmed", "reclassify-at": "2021-09-14T10:00"}
    bad = logged_in.post(url, step)
    assert bad.status_code == 400
    assert "A confirmed case needs its severity" in bad.content.decode()
    good = logged_in.post(
        url,
        {
            "reclassify-classification": "confirmed",
            "reclassify-severity": "mild",
            "reclassify-onset_date": "2021-09-13",
            "reclassify-at": "2021-09-14T10:00",
            "reclassify-reason": "symptoms_developed",
        },
    )
    assert good.status_code == 302
    case.refresh_from_db()
    assert case.classification == "confirmed" and case.onset_date == datetime.date(2021, 9, 13)


def test_a_commander_sees_cases_but_cannot_change_them(client, make_user, resident):
    case = CaseFactory(person=resident)
    client.force_login(make_user(Role.COMMANDER, "350322"))
    assert client.get(case.get_absolute_url()).status_code == 200
    assert client.get(reverse("cases:case_create")).status_code == 403
    response = client.post(
        reverse("cases:case_outcome", args=[case.pk]),
        {"outcome-outcome": "died", "outcome-at": "2021-09-20T09:00"},
    )
    assert response.status_code == 403


def test_the_import_page_queues_a_job_and_shows_it(
    logged_in, tree, resident, settings, django_capture_on_commit_callbacks
):
    settings.JOBS_BACKEND = "sync"
    from .test_imports import row, workbook

    upload = SimpleUploadedFile(
        "list.xlsx", workbook([row(resident.reveal()["id_number"], "林某")]).getvalue()
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in.post(
            reverse("cases:case_import"), {"file": upload, "jurisdiction": GRID}
        )
    job = Job.objects.get(kind="cases.import_line_list")
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    job.refresh_from_db()
    assert job.result["created"] == 1 and Case.objects.count() == 1


def test_the_import_page_refuses_other_files(logged_in, tree):
    upload = SimpleUploadedFile("list.csv", b"a,b")
    response = logged_in.post(reverse("cases:case_import"), {"file": upload})
    assert response.status_code == 400
    assert "Upload an Excel workbook (.xlsx)." in response.content.decode()
    assert not Job.objects.exists()


def test_the_template_downloads(logged_in):
    response = logged_in.get(reverse("cases:import_template"))
    book = load_workbook(BytesIO(response.content))
    assert book.worksheets[0]["A1"].value == "identity number"


def test_a_case_is_corrected_from_its_page_and_the_timeline_says_so(client, epi, resident):
    from pingji.cases.tests.factories import CaseFactory

    case = CaseFactory(person=resident)
    client.force_login(epi)
    page = client.get(case.get_absolute_url()).content.decode()
    assert 'id="correct"' in page
    url = f"/cases/{case.pk}/correct/"
    form = {
        "correct-onset_date": "2021-09-10",
        "correct-sampled_at": "2021-09-11T08:00",
        "correct-reported_at": "2021-09-12T09:00",
        "correct-channel": "fever_clinic",
        "correct-origin": "local",
        "correct-notes": "",
    }
    # an onset after the report is refused on the form, nothing changes
    bad = client.post(url, {**form, "correct-onset_date": "2021-09-13"})
    assert bad.status_code == 400
    case.refresh_from_db()
    assert case.channel == "community_screening"
    ok = client.post(url, form)
    assert ok.status_code == 302
    case.refresh_from_db()
    assert case.channel == "fever_clinic"
    page = client.get(case.get_absolute_url()).content.decode()
    assert "corrected" in page
