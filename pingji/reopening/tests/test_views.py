"""Pages and API: thin over the actions, errors on the fields, 404 outside, nothing half saved."""

import datetime

from django.urls import reverse

from pingji.reopening.actions.liaison import do_save_plan
from pingji.reopening.choices import Status
from pingji.reopening.models import Establishment, Problem

from .conftest import GRID, StandIn
from .factories import EstablishmentFactory, SchoolFactory, credit_code
from .test_actions import ALL_DONE_SCHOOL
from .test_imports import GOOD, book


def form(**extra):
    return {
        "kind": "enterprise",
        "name": "仙游鞋业",
        "credit_code": credit_code(5),
        "sector": "manufacturing",
        "workforce": 10,
        "pupils": 0,
        "jurisdiction": GRID,
        **extra,
    }


def test_register_through_the_page(client, operator, grid):
    client.force_login(operator)
    url = reverse("reopening:establishment_create")
    bad = client.post(url, form(credit_code="91350322MA00000059"))
    assert bad.status_code == 400 and b"check character" in bad.content
    assert not Establishment.objects.exists()
    ok = client.post(url, form())
    est = Establishment.objects.get()
    assert ok.status_code == 302 and ok.url == est.get_absolute_url()
    assert client.get(reverse("reopening:establishment_list")).status_code == 200


def test_resumption_steps_through_the_page(client, operator, grid, areas_in_force, emergency_today):
    school = SchoolFactory(jurisdiction=grid, status=Status.CLOSED)
    client.force_login(operator)
    page = client.get(school.get_absolute_url())
    assert "临时隔离室" in page.content.decode() and b"fj-test-emergency" in page.content
    missing = client.post(reverse("reopening:apply", args=[school.pk]), {})
    assert missing.status_code == 302  # an application may declare gaps; approval then refuses
    app = school.applications.get()
    assert sorted(app.missing_items) == sorted(ALL_DONE_SCHOOL)  # jsonb keeps no key order
    refused = client.post(reverse("reopening:inspect", args=[app.pk]), {"passed": "0"})
    assert refused.status_code == 400  # a failed inspection needs a note
    client.post(reverse("reopening:inspect", args=[app.pk]), {"passed": "0", "note": "无隔离室"})
    data = {f"item_{k}": "on" for k in ALL_DONE_SCHOOL}
    assert client.post(reverse("reopening:apply", args=[school.pk]), data).status_code == 302
    app = school.applications.get(decided_at__isnull=True)
    assert (
        client.post(reverse("reopening:inspect", args=[app.pk]), {"passed": "1"}).status_code == 302
    )
    areas_in_force["350322"] = StandIn("仙游县鲤城街道封控区", "sealed", 1, True)
    refused = client.post(reverse("reopening:decide", args=[app.pk]), {"approve": "1"})
    assert refused.status_code == 400 and "仙游县鲤城街道封控区" in refused.content.decode()
    school.refresh_from_db()
    assert school.status == Status.INSPECTED
    areas_in_force.clear()
    assert (
        client.post(reverse("reopening:decide", args=[app.pk]), {"approve": "1"}).status_code == 302
    )
    school.refresh_from_db()
    assert school.status == Status.RESUMED


def test_problem_form_errors_stay_on_the_page(client, operator, grid):
    est = EstablishmentFactory(jurisdiction=grid)
    client.force_login(operator)
    r = client.post(
        reverse("reopening:problem", args=[est.pk]),
        {
            "category": "workers",
            "department": "",
            "description": "",
            "deadline": "2021-01-01T10:00",
        },
    )
    assert r.status_code == 400 and not Problem.objects.exists()
    r = client.post(
        reverse("reopening:problem", args=[est.pk]),
        {
            "category": "workers",
            "department": "hr",
            "description": "员工滞留",
            "deadline": "2031-01-01T10:00",
        },
    )
    assert r.status_code == 302 and Problem.objects.get().task is not None


def test_steps_outside_the_area_are_404(client, huli, grid):
    est = EstablishmentFactory(jurisdiction=grid)
    client.force_login(huli)
    assert (
        client.post(reverse("reopening:pause", args=[est.pk]), {"reason": "x"}).status_code == 404
    )
    est.refresh_from_db()
    assert est.status == Status.OPEN


def test_import_page_lists_errors_and_saves_nothing(client, operator, tree):
    client.force_login(operator)
    url = reverse("reopening:establishment_import")
    rows = [*GOOD, ["enterprise", "x", "123", "manufacturing", 1, 0, GRID]]
    upload = book(rows)
    upload.name = "registry.xlsx"
    r = client.post(url, {"area": "350322", "file": upload})
    assert r.status_code == 400 and b"import-errors" in r.content
    assert not Establishment.objects.exists()
    good = book(GOOD)
    good.name = "registry.xlsx"
    assert client.post(url, {"area": "350322", "file": good}).status_code == 302
    assert Establishment.objects.count() == 3
    assert client.get(reverse("reopening:import_template")).status_code == 200


def test_survey_pages(client, operator, tree):
    est = EstablishmentFactory(jurisdiction=tree[GRID])
    client.force_login(operator)
    r = client.post(
        reverse("reopening:survey_create"),
        {"title": "9月摸排", "jurisdiction": "350322", "kind": "", "due_at": "2031-01-01T10:00"},
    )
    assert r.status_code == 302
    page = client.get(r.url)
    assert est.name in page.content.decode()
    survey_pk = int(r.url.rstrip("/").split("/")[-1])
    bad = client.post(
        reverse("reopening:survey_answer", args=[survey_pk]),
        {"establishment": est.pk, "state": "asleep"},
    )
    assert bad.status_code == 400
    ok = client.post(
        reverse("reopening:survey_answer", args=[survey_pk]),
        {
            "establishment": est.pk,
            "state": "closed",
            "staff_in_controlled_areas": 2,
            "staff_in_quarantine": 0,
        },
    )
    assert ok.status_code == 302
    est.refresh_from_db()
    assert est.status == Status.CLOSED
    assert client.get(reverse("reopening:survey_template", args=[survey_pk])).status_code == 200


def test_progress_page_and_target(client, commander, tree):
    EstablishmentFactory(jurisdiction=tree[GRID])
    client.force_login(commander)
    url = reverse("reopening:progress")
    assert (
        client.post(url, {"kind": "enterprise", "percent": 80, "by": "2031-01-01"}).status_code
        == 302
    )
    page = client.get(url).content.decode()
    assert "仙游县" in page and "80%" in page


def test_api_register_and_resume(api, operator, grid, areas_in_force, emergency_today):
    client = api(operator)
    bad = client.post(
        "/api/reopening/establishments/", form(credit_code="NOT-A-CODE"), format="json"
    )
    assert bad.status_code == 400 and "credit_code" in bad.json()
    dup_name = client.post("/api/reopening/establishments/", form(), format="json")
    assert dup_name.status_code == 201
    again = client.post("/api/reopening/establishments/", form(), format="json")
    assert again.status_code == 400 and Establishment.objects.count() == 1
    school = SchoolFactory(jurisdiction=grid, status=Status.CLOSED)
    r = client.post(
        f"/api/reopening/establishments/{school.pk}/apply/",
        {"checklist": ALL_DONE_SCHOOL},
        format="json",
    )
    assert r.status_code == 201
    app = r.json()["id"]
    assert (
        client.post(
            f"/api/reopening/applications/{app}/inspect/", {"passed": True}, format="json"
        ).status_code
        == 200
    )
    areas_in_force["3503"] = StandIn("管控区", "controlled", 2, True)
    r = client.post(f"/api/reopening/applications/{app}/decide/", {"approve": True}, format="json")
    assert r.status_code == 400 and "管控区" in str(r.json())
    areas_in_force.clear()
    r = client.post(f"/api/reopening/applications/{app}/decide/", {"approve": True}, format="json")
    assert r.status_code == 200 and r.json()["approved"] is True
    progress_ = client.get("/api/reopening/progress/").json()
    assert progress_["overall"]["working"] == 2


def test_api_problem(api, liaison, operator, grid):
    est = EstablishmentFactory(jurisdiction=grid)
    do_save_plan(est, actor=operator, measures="x", liaison=liaison)
    client = api(liaison)
    deadline = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3)).isoformat()
    r = client.post(
        "/api/reopening/problems/",
        {
            "establishment": est.pk,
            "category": "permits",
            "department": "market",
            "description": "营业执照到期",
            "deadline": deadline,
        },
        format="json",
    )
    assert r.status_code == 201, r.json()
    other = EstablishmentFactory(jurisdiction=grid)
    r = client.post(
        "/api/reopening/problems/",
        {
            "establishment": other.pk,
            "category": "permits",
            "department": "market",
            "description": "x",
            "deadline": deadline,
        },
        format="json",
    )
    assert r.status_code in (400, 404) and Problem.objects.count() == 1


def test_deciding_an_alert_on_the_page(client, operator, grid):
    from pingji.reopening.models import Alert
    from pingji.reopening.tests.factories import SCOPED_FACTORIES

    alert = SCOPED_FACTORIES[Alert](grid)
    client.force_login(operator)
    url = reverse("reopening:alert_decide", args=[alert.pk])
    assert client.post(url, {"decision": "sleep"}).status_code == 302
    alert.refresh_from_db()
    assert alert.status == "proposed"
    assert client.post(url, {"decision": "paused"}).status_code == 302
    alert.refresh_from_db()
    alert.establishment.refresh_from_db()
    assert alert.status == "paused" and alert.establishment.status == Status.PAUSED
    again = client.post(url, {"decision": "dismissed"}, follow=True)
    assert b"already decided" in again.content


def test_api_survey_and_returns(api, operator, huli, tree):
    est = EstablishmentFactory(jurisdiction=tree[GRID])
    client = api(operator)
    bad = client.post(
        "/api/reopening/surveys/",
        {"title": "x", "jurisdiction": "350322", "due_at": "2020-01-01T00:00:00Z"},
        format="json",
    )
    assert bad.status_code == 400 and "due_at" in bad.json()
    r = client.post(
        "/api/reopening/surveys/",
        {"title": "摸排", "jurisdiction": "350322", "due_at": "2031-01-01T00:00:00Z"},
        format="json",
    )
    assert r.status_code == 201
    survey = r.json()["id"]
    wrong = client.post(
        "/api/reopening/survey-returns/",
        {"survey": survey, "establishment": est.pk, "state": "asleep"},
        format="json",
    )
    assert wrong.status_code == 400 and "state" in wrong.json()
    ok = client.post(
        "/api/reopening/survey-returns/",
        {"survey": survey, "establishment": est.pk, "state": "partly", "staff_in_quarantine": 3},
        format="json",
    )
    assert ok.status_code == 201
    # the other city's operator neither sees the survey nor may answer it
    outside = api(huli).post(
        "/api/reopening/survey-returns/",
        {"survey": survey, "establishment": est.pk, "state": "closed"},
        format="json",
    )
    assert outside.status_code in (400, 404)
    assert api(huli).get(f"/api/reopening/surveys/{survey}/").status_code == 404


def test_a_large_registry_is_imported_by_a_job(
    client, operator, settings, monkeypatch, django_capture_on_commit_callbacks, tmp_path
):
    from pingji.core import uploads
    from pingji.core.models import Job
    from pingji.reopening.actions import imports

    settings.JOBS_BACKEND = "sync"
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(imports, "LARGE_UPLOAD_BYTES", 0)
    client.force_login(operator)
    good = book(GOOD)
    good.name = "registry.xlsx"
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("reopening:establishment_import"), {"area": "350322", "file": good})
    job = Job.objects.get(kind="reopening.import_establishments")
    assert r.status_code == 302 and r.url == job.get_absolute_url()
    job.refresh_from_db()
    assert job.status == "succeeded" and job.result["created"] == 3
    assert Establishment.objects.count() == 3
    assert not list(uploads.path_of("x").parent.glob("*.enc"))
