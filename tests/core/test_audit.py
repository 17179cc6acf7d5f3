"""The change log and domain events: every write leaves who, when, request id, before and after."""

import pytest

from pingji.core.context import acting_as
from pingji.core.events import declare, events_for, record_event
from pingji.core.models import ObjectChange
from pingji.geo.tests.factories import PlaceFactory

#: Kinds this module invents to test the timeline: declared here, not by an app.
FIRST = declare("test_audit.first", "the first of two test events")
SECOND = declare("test_audit.second", "the second of two test events")


@pytest.fixture
def place(tree):
    return PlaceFactory(jurisdiction=tree["350322100001001"], name="东门小区")


def changes_of(obj):
    return ObjectChange.objects.filter(
        object_id=str(obj.pk), content_type__model=obj._meta.model_name
    )


def test_create_update_delete_are_logged_with_actor_request_and_values(place, county_user):
    with acting_as(county_user, "req-1"):
        place.name = "东门新村"
        place.save()
    with acting_as(county_user, "req-2"):
        pk = place.pk
        place.delete()
    create, update, delete = changes_of(type(place)(pk=pk)).order_by("id")
    assert (
        create.action == "create" and create.before is None and create.after["name"] == "东门小区"
    )
    assert update.actor == county_user and update.request_id == "req-1"
    assert update.before["name"] == "东门小区" and update.after["name"] == "东门新村"
    assert update.changed_fields == ["name"]
    assert delete.action == "delete" and delete.after is None and delete.request_id == "req-2"
    assert {c.jurisdiction_code for c in (create, update, delete)} == {"350322100001001"}


def test_a_save_without_change_writes_nothing(place):
    before = changes_of(place).count()
    place.save()
    assert changes_of(place).count() == before


def test_secret_fields_never_reach_the_log(county_user):
    county_user.set_password("another secret")
    county_user.save()
    logged = changes_of(county_user).latest("id")
    assert "password" not in logged.after and "password" not in (logged.before or {})


def test_events_form_a_timeline_in_order(place, county_user):
    with acting_as(county_user, "r"):
        record_event(FIRST, "first", jurisdiction_code=place.jurisdiction_id, subject=place)
        record_event(SECOND, "second", jurisdiction_code=place.jurisdiction_id, subject=place)
    timeline = list(events_for(place))
    assert [e.kind for e in timeline] == [FIRST, SECOND]
    assert timeline[0].actor == county_user and timeline[0].request_id == "r"


def test_the_audit_view_is_for_auditors_and_scoped(place, make_user, client):
    from pingji.users.choices import Role

    client.force_login(make_user(Role.AUDITOR, "350322"))
    page = client.get("/core/changes/")
    assert page.status_code == 200 and "东门小区" in page.content.decode()
    client.force_login(make_user(Role.AUDITOR, "350206"))
    assert "东门小区" not in client.get("/core/changes/").content.decode()
    client.force_login(make_user(Role.OPERATOR, "350322"))
    assert "东门小区" not in client.get("/core/changes/").content.decode()


def test_api_writes_carry_the_token_user_and_the_servers_request_id(tree, api, make_user):
    from pingji.users.choices import Role

    operator = make_user(Role.OPERATOR, "350322")
    client = api(operator)
    response = client.post(
        "/api/geo/places/",
        {"kind": "venue", "name": "菜市场", "jurisdiction": "350322100001001"},
        format="json",
        HTTP_X_REQUEST_ID="abc123",
    )
    assert response.status_code == 201, response.content
    logged = ObjectChange.objects.get(
        object_id=str(response.json()["id"]), action="create", content_type__model="place"
    )
    # the id is the server's own, not the client's (docs/decisions/0034-perimeter.md)
    assert logged.actor == operator and logged.request_id == response["X-Request-ID"] != "abc123"
