"""Exports as background jobs, and API tokens, through real scoped models and users.

Core's job machinery is tested in ``pingji/core/tests/test_jobs.py`` with jobs of its own; these
need places of geo and users of each role, which core's own tests may not import.
"""

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from pingji.core.exports import export_path
from pingji.core.models import Job
from pingji.geo.tests.factories import PlaceFactory
from pingji.users.choices import Role


@pytest.fixture
def backend(settings):
    def use(name):
        settings.JOBS_BACKEND = name

    return use


def test_export_holds_only_what_the_requester_sees(
    tree, make_user, client, backend, django_capture_on_commit_callbacks
):
    backend("sync")
    PlaceFactory(jurisdiction=tree["350322100001001"], name="仙游的地方")
    PlaceFactory(jurisdiction=tree["350206001001001"], name="湖里的地方")
    user = make_user(Role.OPERATOR, "350322")
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/core/export/", {"model": "geo.place"})
    row = Job.objects.get(kind="core.export")
    assert response.status_code == 302 and row.status == "succeeded", row.error
    names = [r[2] for r in load_workbook(export_path(row.pk)).active.iter_rows(values_only=True)]
    assert "仙游的地方" in names and "湖里的地方" not in names
    assert export_path(row.pk).stat().st_mode & 0o777 == 0o600  # the service's user only
    assert client.get(f"/core/jobs/{row.pk}/download/").status_code == 200
    client.force_login(make_user(Role.OPERATOR, "350206"))
    assert client.get(f"/core/jobs/{row.pk}/download/").status_code == 404


def test_export_of_an_unknown_or_unscoped_model_is_404(county_user, client):
    client.force_login(county_user)
    assert client.post("/core/export/", {"model": "auth.permission"}).status_code == 404
    assert client.post("/core/export/", {"model": "nope.nothing"}).status_code == 404
    assert not Job.objects.exists()


def test_token_command_prints_a_working_token(county_user, capsys, client):
    call_command("token", county_user.username)
    key = capsys.readouterr().out.strip()
    response = client.get("/api/geo/places/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert client.get("/api/geo/places/", HTTP_AUTHORIZATION="Token wrong").status_code == 401


def test_an_export_asked_for_while_the_broker_is_down_answers_with_its_job(
    tree, make_user, client, settings, backend, django_capture_on_commit_callbacks
):
    # Given the Redis broker is unreachable
    backend("redis")
    settings.BROKER_URL = "redis://127.0.0.1:1/0"
    client.force_login(make_user(Role.OPERATOR, "350322"))
    # When the user asks for an export, then the page leads to the job it created, which waits
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/core/export/", {"model": "geo.place"})
    row = Job.objects.get(kind="core.export")
    assert response.status_code == 302 and str(row.pk) in response["Location"]
    assert (row.status, row.sent_at) == ("queued", None)  # the next sweep sends it


def test_a_failed_job_is_run_again_from_its_page_by_its_creator_only(
    tree, make_user, client, backend, django_capture_on_commit_callbacks
):
    # Given an export that failed (its model was unknown to the runner at the time)
    backend("sync")
    owner = make_user(Role.OPERATOR, "350322")
    failed = Job.objects.create(
        kind="core.export",
        params={"model": "geo.place", "within": ""},
        status="failed",
        created_by=owner,
        jurisdiction_code="350322",
    )
    # When someone else of the same county asks, then nothing is queued
    client.force_login(make_user(Role.OPERATOR, "350322", username="colleague"))
    assert client.post(f"/core/jobs/{failed.pk}/again/").status_code == 404
    # When its creator asks from its page, then a new job runs with the same input
    client.force_login(owner)
    assert 'id="again"' in client.get(f"/core/jobs/{failed.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/core/jobs/{failed.pk}/again/")
    again = Job.objects.exclude(pk=failed.pk).get()
    assert response.status_code == 302 and response["Location"].endswith(f"/jobs/{again.pk}/")
    assert (again.params, again.status, again.created_by) == (failed.params, "succeeded", owner)
    # and a job that did not fail is not run again
    assert client.post(f"/core/jobs/{again.pk}/again/").status_code == 404
