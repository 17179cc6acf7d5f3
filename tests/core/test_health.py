"""The probes (``core.views.health``): ``/healthz`` answers without the database, ``/readyz``
checks what work needs and names what failed; neither needs a login, a known host or HTTPS."""

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.test import Client

from pingji.core import jobs
from pingji.users.choices import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def broker_up(monkeypatch):
    """The broker answers unless a test says otherwise (``core.jobs.broker_status``)."""
    monkeypatch.setattr(jobs, "broker_status", lambda: (True, "thread (in process)"))


@pytest.fixture
def database_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("could not connect to server: db.internal:5432")

    monkeypatch.setattr(connections[DEFAULT_DB_ALIAS], "cursor", refuse)


def test_healthz_answers_even_with_the_database_down(client, database_down):
    answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.json() == {"status": "ok"}


def test_readyz_lists_each_check_and_nothing_else(client):
    answer = client.get("/readyz")
    assert answer.status_code == 200
    assert answer.json() == {
        "status": "ok",
        "checks": {"database": "ok", "broker": "ok", "analytic_store": "ok", "files": "ok"},
    }
    assert answer["Content-Type"] == "application/json"


def test_a_database_down_is_named_and_its_error_only_logged(client, database_down, caplog):
    answer = client.get("/readyz")
    assert answer.status_code == 503
    body = answer.json()
    assert body["failed"] == ["database"] and body["checks"]["database"] == "failed"
    assert body["checks"]["analytic_store"] == "ok"
    assert "db.internal" not in answer.content.decode()
    assert any("db.internal" in r.exc_text for r in caplog.records if r.name == "pingji.health")


def test_an_analytic_store_that_cannot_be_written_is_named(client, settings, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    settings.ANALYTIC_DIR = blocker / "analytic"
    answer = client.get("/readyz")
    assert answer.status_code == 503 and answer.json()["failed"] == ["analytic_store"]


def test_a_broker_down_is_named(client, monkeypatch):
    monkeypatch.setattr(jobs, "broker_status", lambda: (False, "redis: ConnectionError"))
    answer = client.get("/readyz")
    assert answer.status_code == 503 and answer.json()["failed"] == ["broker"]
    assert "redis" not in answer.content.decode()


def test_a_broker_that_raises_is_a_failed_check_not_a_500(client, monkeypatch):
    def broken():
        raise RuntimeError("no broker module")

    monkeypatch.setattr(jobs, "broker_status", broken)
    assert client.get("/readyz").json()["failed"] == ["broker"]


def test_probes_pass_the_host_check_the_https_redirect_and_the_second_factor(settings, make_user):
    """A balancer probes by address over plain HTTP; a session owing its code is not sent to the
    code step (the commander's role needs one, decision 0034)."""
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["pingji.example"]
    client = Client()
    client.force_login(make_user(Role.COMMANDER, "350322"))
    for probe in ("/healthz", "/readyz", "/readyz/"):
        answer = client.get(probe, HTTP_HOST="10.0.0.7:8000")
        assert answer.status_code == 200, (probe, answer.status_code)
        assert answer["X-Request-ID"]
    assert client.get("/core/jobs/", HTTP_HOST="10.0.0.7:8000").status_code == 400


def test_probes_take_no_writes(client):
    assert client.post("/readyz").status_code == 405
    assert client.delete("/healthz").status_code == 405
