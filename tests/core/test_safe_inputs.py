"""Input that once failed the server: number filters beyond any id, and deleting a place that
still has households — each a clear 4xx (or a page that says why), nothing written."""

import pytest
from django.urls import reverse

from pingji.core.models import DomainEvent
from pingji.geo.models import Place
from pingji.geo.tests.factories import PlaceFactory
from pingji.people.models import Household
from pingji.people.tests.factories import HouseholdFactory
from pingji.users.choices import Role

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999999"
GRID = "350322100001001"

#: Every list whose filters take a number (an id) through ``NumberFilter``.
NUMBER_FILTERS = [
    ("/api/people/persons/", "household"),
    ("/api/people/households/", "place"),
    ("/api/cases/cases/", "person"),
    ("/api/quarantine/placements/", "site"),
    ("/api/quarantine/placements/", "person"),
    ("/api/quarantine/tests/", "placement"),
    ("/api/quarantine/rooms/", "site"),
    ("/api/tracing/investigations/", "case"),
    ("/api/tracing/exposures/", "investigation"),
    ("/api/tracing/links/", "cluster"),
    ("/api/tracing/links/", "infector"),
]


@pytest.mark.parametrize(("url", "name"), NUMBER_FILTERS)
def test_a_number_filter_beyond_any_id_is_a_400(api, make_user, url, name):
    commander = make_user(Role.COMMANDER, "350322")
    answer = api(commander).get(url, {name: HUGE})
    assert answer.status_code == 400, answer.content
    assert name in answer.json()
    assert api(commander).get(url, {name: "-" + HUGE}).status_code == 400
    assert api(commander).get(url, {name: "12"}).status_code == 200


def test_a_list_page_with_such_a_filter_says_why_and_lists_nobody(client, county_user, tree):
    HouseholdFactory(jurisdiction=tree[GRID])
    client.force_login(county_user)
    page = client.get(reverse("people:household_list"), {"place": HUGE})
    assert page.status_code == 200
    assert "less than or equal to" in page.content.decode()
    assert list(page.context["object_list"]) == []


def test_deleting_a_place_with_households_is_refused_and_nothing_changes(api, make_user, tree):
    admin = make_user(Role.ADMINISTRATOR, "350322")  # the role that may delete places
    place = PlaceFactory(jurisdiction=tree[GRID], name="东门花园")
    HouseholdFactory(jurisdiction=tree[GRID], place=place)
    events = DomainEvent.objects.count()
    answer = api(admin).delete(f"/api/geo/places/{place.pk}/")
    assert answer.status_code == 400, answer.content
    assert "东门花园 still has households" in str(answer.json())
    assert Place.objects.filter(pk=place.pk).exists() and Household.objects.count() == 1
    assert DomainEvent.objects.count() == events  # no "place removed" recorded either
