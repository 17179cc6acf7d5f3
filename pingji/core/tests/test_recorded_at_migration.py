"""The migration that adds ``DomainEvent.recorded_at`` fills it for the events already there."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE, AFTER = ("core", "0003_job_worker"), ("core", "0004_domainevent_recorded_at")


@pytest.mark.django_db(transaction=True)
def test_existing_events_were_recorded_when_they_say_they_happened():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps.get_model("core", "DomainEvent")
    times = [datetime.datetime(2021, 9, d, 8, tzinfo=datetime.UTC) for d in (10, 11, 12)]
    for n, time in enumerate(times):
        old.objects.create(kind="cases.reported", summary=str(n), jurisdiction_code="35", time=time)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([AFTER])

    new = executor.loader.project_state([AFTER]).apps.get_model("core", "DomainEvent")
    rows = new.objects.order_by("time").values_list("time", "recorded_at")
    assert list(rows) == [(t, t) for t in times]
    # the tests after this one need the schema of every migration, not this one's
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
