"""The API's planned representation of a row (``core.api.serializers.ScopedSerializer``)
writes what DRF's own ``Serializer.to_representation`` writes, for every list of the API."""

import pytest
from django.db import IntegrityError, transaction
from rest_framework import serializers

from pingji.core.api.serializers import BY_FIELD, KEY, STAMP, ScopedSerializer
from pingji.users.choices import Role
from tests.test_permissions import GRID, api_endpoints, factories


def _drf(serializer, instance):
    return serializers.Serializer.to_representation(serializer, instance)


def _lists(client, endpoints) -> dict[str, list]:
    answers = {}
    for path in endpoints:
        response = client.get(path)
        assert response.status_code == 200, path
        answers[path] = response.json()["results"]
    return answers


@pytest.mark.django_db
def test_every_api_list_is_written_as_drf_writes_it(tree, make_user, api, monkeypatch):
    made = factories()
    endpoints = [path for model, path in api_endpoints().items() if model in made]
    for model in sorted((m for m in api_endpoints() if m in made), key=str):
        try:  # a factory makes the rows its row needs, which another's may have made already
            with transaction.atomic():
                made[model](tree[GRID])
        except IntegrityError:
            continue
    client = api(make_user(Role.COMMANDER, "35"))

    planned = _lists(client, endpoints)
    monkeypatch.setattr(ScopedSerializer, "to_representation", _drf)
    by_drf = _lists(client, endpoints)

    assert planned == by_drf
    assert sum(bool(rows) for rows in planned.values()) > 20  # lists with rows in them


def test_a_plan_reads_plain_columns_and_stamps_itself_and_the_rest_as_drf():
    from pingji.tasks.api.serializers import TaskSerializer

    plan = {name: (column, how) for name, _f, column, how in TaskSerializer()._plan()}

    assert plan["title"] == ("title", BY_FIELD)  # a column of the row, read at once
    assert plan["created_at"] == ("created_at", STAMP)  # a timestamp, in the row's zone
    assert plan["jurisdiction"] == ("jurisdiction_id", KEY)  # a related row's key, as held
    assert plan["jurisdiction_name"] == (None, BY_FIELD)  # a dotted source: as DRF reads it
    assert plan["assignee"] == (None, BY_FIELD)  # a relation by another field than its key
    assert plan["source_type"] == (None, BY_FIELD)  # a method
    assert plan["is_overdue"] == (None, BY_FIELD)  # a property, not a column
