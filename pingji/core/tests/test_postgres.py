"""The health check of a kept PostgreSQL connection asks the server only when it spoke
(``core.postgres``): a healthy connection is kept without a round trip, one the server ended is
replaced before the request uses it."""

import time

import pytest
from django.db import connection, connections
from django.db.backends.postgresql.base import DatabaseWrapper as DjangoWrapper

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backend"),
]


@pytest.fixture
def checked(monkeypatch):
    """Django's own checks of the connection (``SELECT 1``), counted."""
    calls, ask = [], DjangoWrapper.is_usable

    def is_usable(self):
        calls.append(self.alias)
        return ask(self)

    monkeypatch.setattr(DjangoWrapper, "is_usable", is_usable)
    connection.ensure_connection()
    assert connection.health_check_enabled  # CONN_HEALTH_CHECKS, as in production
    yield calls
    connection.close()  # whatever a test did to it, the next test connects afresh


def _until_gone(cursor, pid: int) -> None:
    for _attempt in range(200):
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        if cursor.fetchone() is None:
            return
        time.sleep(0.05)
    raise AssertionError(f"backend {pid} still running")


def _new_request():
    connection.health_check_done = False  # as at the start of a request
    connection.close_if_health_check_failed()


def test_a_healthy_connection_is_kept_without_asking_the_server(checked):
    kept = connection.connection
    _new_request()
    assert checked == []
    assert connection.connection is kept
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def test_a_connection_the_server_ended_is_replaced_before_it_is_used(checked):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            _until_gone(cursor, pid)  # the signal is sent at once, the backend ends a little later
    finally:
        other.close()

    _new_request()

    assert checked == ["default"]  # the server spoke: Django's own check ran, and failed
    assert connection.connection is None
    with connection.cursor() as cursor:  # a new connection, and the request goes on
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid
