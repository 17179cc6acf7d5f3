"""Structured logs (``core.logs``): every record carries its request id and user id, and a 500's
traceback reaches the log with them — in the test client and in a fresh process set up as
gunicorn sets one up (``pingji.wsgi``)."""

import json
import logging
import os
import subprocess
import sys
import textwrap

import pytest
from django.test import Client, override_settings
from django.urls import path
from rest_framework.test import APIClient

from pingji.core import logs
from pingji.core.api.views import JobViewSet
from pingji.users.choices import Role


def _boom(request):
    raise RuntimeError("the view broke")


urlpatterns = [path("boom/", _boom)]


def _stamped(caplog) -> None:
    """Capture the records as the production handler sees them, stamped by its filter (pytest
    gives each phase of a test its own capturing handler, so a test calls this itself)."""
    caplog.set_level(logging.INFO)
    caplog.handler.addFilter(logs.ContextFilter())


def _one(caplog, name):
    found = [r for r in caplog.records if r.name == name]
    assert len(found) == 1, [r.getMessage() for r in caplog.records]
    return found[0]


def test_the_json_line_is_one_object_with_the_ids_and_the_traceback():
    logger = logging.getLogger("pingji.test")
    try:
        raise ValueError("bad\nthing")
    except ValueError:
        record = logger.makeRecord("pingji.test", logging.ERROR, __file__, 1, "a\nb", (), None)
        record.exc_info = sys.exc_info()
    with logs.log_context(request_id="r1", job=7):
        logs.ContextFilter().filter(record)
    line = logs.JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert (entry["request_id"], entry["job"], entry["user_id"]) == ("r1", 7, None)
    assert entry["message"] == "a\nb" and entry["level"] == "ERROR"
    assert "ValueError: bad" in entry["exc"] and "Traceback" in entry["exc"]


def test_log_context_nests_and_refuses_unknown_fields():
    record = logging.makeLogRecord({"msg": "m"})
    with logs.log_context(request_id="outer"), logs.log_context(job=3):
        logs.ContextFilter().filter(record)
    assert (record.request_id, record.job) == ("outer", 3)
    with pytest.raises(TypeError), logs.log_context(name="林某"):
        pass


def test_only_a_plain_token_is_kept_as_the_clients_id():
    assert logs.sane_request_id("6f1c-49aa:trace=1") == "6f1c-49aa:trace=1"
    for hostile in ("x'); DROP", "a b", "a\nrequest_id=forged", "", "A" * 129):
        assert logs.sane_request_id(hostile) == ""


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_a_500_is_logged_with_its_traceback_request_id_path_and_user(make_user, caplog):
    _stamped(caplog)
    user = make_user(Role.OPERATOR, "350322")
    client = Client(raise_request_exception=False)
    client.force_login(user)
    response = client.get("/boom/", HTTP_X_REQUEST_ID="lb-42")
    assert response.status_code == 500
    error = _one(caplog, "django.request")
    assert error.levelname == "ERROR" and error.exc_info[0] is RuntimeError
    assert error.request_id == response["X-Request-ID"] and len(error.request_id) == 32
    assert (error.path, error.method, error.user_id) == ("/boom/", "GET", user.pk)
    assert error.client_request_id == "lb-42"
    entry = json.loads(logs.JsonFormatter().format(error))
    assert entry["status"] == 500 and "RuntimeError: the view broke" in entry["exc"]


def test_an_api_500_names_the_token_user(make_user, caplog, monkeypatch):
    _stamped(caplog)

    def broken(self, request, *args, **kwargs):
        raise RuntimeError("the endpoint broke")

    monkeypatch.setattr(JobViewSet, "list", broken)
    user = make_user(Role.OPERATOR, "350322")
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(user)
    response = client.get("/api/core/jobs/", HTTP_X_REQUEST_ID="x'); DROP")
    assert response.status_code == 500
    error = _one(caplog, "django.request")
    assert error.request_id == response["X-Request-ID"] and error.user_id == user.pk
    assert error.path == "/api/core/jobs/" and not hasattr(error, "client_request_id")


def test_a_refusal_is_logged_once_with_the_ids_of_its_request(make_user, caplog):
    """Django logs a 4xx after the middleware, when the ids are unbound: it is logged inside."""
    _stamped(caplog)
    user = make_user(Role.OPERATOR, "350322")
    client = APIClient()
    client.force_authenticate(user)
    response = client.get("/api/core/jobs/999999/")
    assert response.status_code == 404
    refusal = _one(caplog, "django.request")
    assert refusal.getMessage() == "Not Found: /api/core/jobs/999999/"
    assert refusal.request_id == response["X-Request-ID"] and refusal.user_id == user.pk


def test_records_outside_a_request_carry_no_stale_ids(caplog):
    _stamped(caplog)
    logging.getLogger("pingji.test").warning("between requests")
    record = _one(caplog, "pingji.test")
    assert (record.request_id, record.user_id) == (None, None)


_GUNICORN_LIKE = textwrap.dedent(
    """
    import sys, types
    from wsgiref.util import setup_testing_defaults
    from pingji.wsgi import application  # django.setup(), as gunicorn's worker imports it
    from django.conf import settings
    from django.urls import path

    def boom(request):
        raise RuntimeError("the view broke")

    urls = types.ModuleType("boom_urls")
    urls.urlpatterns = [path("boom/", boom)]
    sys.modules["boom_urls"] = urls
    settings.ROOT_URLCONF = "boom_urls"
    environ = {"PATH_INFO": "/boom/", "HTTP_X_REQUEST_ID": "lb-7"}
    setup_testing_defaults(environ)
    seen = {}
    application(environ, lambda status, headers: seen.update(status=status, headers=headers))
    print(seen["status"].split()[0], dict(seen["headers"])["X-Request-ID"])
    """
)


def test_in_production_a_500_reaches_stderr_as_one_json_line(tmp_path):
    """No caplog here: the process configures its logging from the settings alone, the way it
    does under gunicorn, with ``DATABASE_URL`` set (never connected to: the view fails first)."""
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none",
        "PINGJI_DATA_DIR": str(tmp_path),
        "PINGJI_DEBUG": "0",
    }
    env.pop("PINGJI_LOG_FORMAT", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "-c", _GUNICORN_LIKE], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    status, request_id = done.stdout.split()[-2:]
    assert status == "500"
    entries = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    error = next(e for e in entries if e["logger"] == "django.request")
    assert error["level"] == "ERROR" and error["request_id"] == request_id
    assert error["path"] == "/boom/" and error["client_request_id"] == "lb-7"
    assert "RuntimeError: the view broke" in error["exc"] and error["user_id"] is None
