"""The blind identity search: POST only, scoped, reasoned, rate-limited, recorded (0031)."""

import datetime
import os

import pytest
import redis
from django.urls import reverse

from pingji.core.models import DomainEvent, ObjectChange
from pingji.people.identity import compose_id_number
from pingji.people.models import Person
from pingji.people.tests.factories import PersonFactory
from pingji.users.choices import Role

SEARCH = "/api/people/persons/search/"
PERSONS = "/api/people/persons/"
PAGE = reverse("people:person_search")
NUMBER = compose_id_number("350322", datetime.date(1988, 4, 2), 57)
ELSEWHERE = compose_id_number("350206", datetime.date(1979, 8, 30), 12)
NOWHERE = compose_id_number("350322", datetime.date(1991, 1, 9), 300)
PHONE = "13712345678"
WRONG_CHECK = NUMBER[:-1] + ("0" if NUMBER[-1] != "0" else "1")


@pytest.fixture
def resident(household):
    return PersonFactory(name="林芳", id_number=NUMBER, phone=PHONE, household=household)


@pytest.fixture
def xiamen_resident(huli_household):
    return PersonFactory(name="厦门人", id_number=ELSEWHERE, household=huli_household)


def searches():
    return DomainEvent.objects.filter(kind="people.identity_searched")


def test_the_api_finds_by_number_or_phone_in_the_area_and_records_it(api, grid_worker, resident):
    client = api(grid_worker)
    by_number = client.post(SEARCH, {"id_number": NUMBER.lower(), "reason": "入户核查"})
    assert by_number.status_code == 200, by_number.content
    assert [r["id"] for r in by_number.json()["results"]] == [resident.pk]
    assert "no-store" in by_number["Cache-Control"]
    by_phone = client.post(SEARCH, {"phone": "137-1234-5678", "reason": "电话回访"})
    assert [r["id"] for r in by_phone.json()["results"]] == [resident.pk]
    body = by_number.content.decode() + by_phone.content.decode()
    assert NUMBER not in body and PHONE not in body
    first, second = searches().order_by("id")
    assert first.actor == grid_worker and first.payload == {
        "kind": "id_number",
        "hits": 1,
        "reason": "入户核查",
    }
    assert second.payload["kind"] == "phone"
    # the event never holds the searched value, plain or hashed
    for event in (first, second):
        text = str(event.payload) + event.summary
        assert NUMBER not in text and PHONE not in text and resident.id_number_hash not in text


def test_registered_elsewhere_and_registered_nowhere_answer_alike(
    api, county_user, xiamen_resident
):
    client = api(county_user)
    elsewhere = client.post(SEARCH, {"id_number": ELSEWHERE, "reason": "协查"})
    nowhere = client.post(SEARCH, {"id_number": NOWHERE, "reason": "协查"})
    assert elsewhere.status_code == nowhere.status_code == 200
    assert elsewhere.json() == nowhere.json() == {"count": 0, "results": []}
    assert [e.payload["hits"] for e in searches()] == [0, 0]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"id_number": "3503221988", "reason": "r"}, "id_number"),
        ({"id_number": WRONG_CHECK, "reason": "r"}, "id_number"),
        ({"phone": "110", "reason": "r"}, "phone"),
        ({"id_number": "9" * 100_000, "reason": "r"}, "id_number"),
        ({"id_number": NUMBER}, "reason"),
        ({"id_number": NUMBER, "reason": "   "}, "reason"),
        ({"id_number": NUMBER, "reason": "x" * 301}, "reason"),
        ({"reason": "r"}, "id_number"),
        ({"id_number": NUMBER, "phone": PHONE, "reason": "r"}, "id_number"),
    ],
)
def test_bad_input_is_400_on_its_field_and_records_nothing(api, county_user, resident, data, field):
    response = api(county_user).post(SEARCH, data, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not searches().exists()
    assert not DomainEvent.objects.exclude(kind="people.person_registered").exists()


def test_over_the_rate_it_is_429_with_a_message_and_the_refusal_is_logged(
    api, county_user, make_user, resident, settings
):
    settings.PINGJI_SEARCH_RATE = (3, 600)
    client = api(county_user)
    for _ in range(3):
        assert client.post(SEARCH, {"id_number": NUMBER, "reason": "r"}).status_code == 200
    refused = client.post(SEARCH, {"id_number": NUMBER, "reason": "r"})
    assert refused.status_code == 429
    assert "3 identity look-ups in 10 minutes" in refused.json()["detail"]
    assert searches().count() == 3
    refusal = DomainEvent.objects.get(kind="people.identity_search_refused")
    assert refusal.actor == county_user and refusal.jurisdiction_code == "35"
    # another user keeps a budget of their own
    other = api(make_user(Role.EPIDEMIOLOGIST, "350322"))
    assert other.post(SEARCH, {"id_number": NUMBER, "reason": "r"}).status_code == 200


def test_malformed_attempts_spend_the_budget_too(api, county_user, settings):
    settings.PINGJI_SEARCH_RATE = (2, 600)
    client = api(county_user)
    assert client.post(SEARCH, {"id_number": "1", "reason": "r"}).status_code == 400
    assert client.post(SEARCH, {"id_number": "2", "reason": "r"}).status_code == 400
    assert client.post(SEARCH, {"id_number": NUMBER, "reason": "r"}).status_code == 429


def test_a_role_that_cannot_view_persons_cannot_search(api, make_user, resident):
    liaison = make_user(Role.LIAISON, "350322")
    assert api(liaison).post(SEARCH, {"id_number": NUMBER, "reason": "r"}).status_code == 403
    assert not searches().exists()


def test_the_get_filters_on_number_and_phone_are_gone(api, county_user, resident):
    PersonFactory(name="邻居", household=resident.household)
    client = api(county_user)
    # an unknown query parameter filters nothing: both are listed, so it answers no question
    for params in ({"id_number": NUMBER}, {"phone": PHONE}, {"id_number": NOWHERE}):
        listed = client.get(PERSONS, params).json()["results"]
        assert len(listed) == 2
    assert not searches().exists()


def test_the_page_searches_by_post_and_shows_masked_rows(client, grid_worker, resident):
    client.force_login(grid_worker)
    page = client.get(reverse("people:person_list")).content.decode()
    assert f'action="{PAGE}"' in page and 'method="post"' in page
    response = client.post(PAGE, {"term": NUMBER, "reason": "入户核查"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    text = response.content.decode()
    assert "林芳" in text and resident.id_number_masked in text and NUMBER not in text
    nobody = client.post(PAGE, {"term": NOWHERE, "reason": "入户核查"})
    assert [
        p.pk for p in nobody.context["found"]
    ] == [] and 'id="nobody"' in nobody.content.decode()
    by_phone = client.post(PAGE, {"term": "+86 137 1234 5678", "reason": "回访"})
    assert [p.pk for p in by_phone.context["found"]] == [resident.pk]
    assert searches().count() == 3


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        ({"term": "3503221988", "reason": "r"}, "17 digits"),
        ({"term": NUMBER, "reason": ""}, "Say why"),
        ({"term": "", "reason": "r"}, "either an identity number or a phone"),
        ({"term": "1" * 500, "reason": "r"}, "at most 40"),
    ],
)
def test_the_page_refuses_bad_input_with_400_and_records_nothing(
    client, county_user, resident, data, needle
):
    client.force_login(county_user)
    response = client.post(PAGE, data)
    assert response.status_code == 400 and needle in response.content.decode()
    assert not searches().exists()


def test_the_page_answers_429_over_the_rate(client, county_user, resident, settings):
    settings.PINGJI_SEARCH_RATE = (1, 600)
    client.force_login(county_user)
    assert client.post(PAGE, {"term": NUMBER, "reason": "r"}).status_code == 200
    refused = client.post(PAGE, {"term": NUMBER, "reason": "r"})
    assert refused.status_code == 429 and "identity look-ups" in refused.content.decode()
    assert refused.context["found"] is None


def test_cross_area_duplicate_refusals_spend_the_same_budget(
    api, county_user, household, xiamen_resident, settings
):
    settings.PINGJI_SEARCH_RATE = (1, 600)
    client = api(county_user)
    payload = {"name": "林二", "id_number": ELSEWHERE, "household": household.pk}
    first = client.post(PERSONS, payload, format="json")
    assert first.status_code == 400 and "cannot be registered here" in first.json()["id_number"][0]
    second = client.post(PERSONS, payload, format="json")
    assert second.status_code == 429
    assert Person.objects.count() == 1
    assert DomainEvent.objects.filter(kind="people.registration_refused").count() == 1


def test_no_url_the_platform_builds_carries_an_identity_number(client, epidemiologist, resident):
    client.force_login(epidemiologist)
    for url in (
        reverse("people:person_list"),
        resident.get_absolute_url(),
        resident.household.get_absolute_url(),
    ):
        page = client.get(url).content.decode()
        assert "?q=" not in page and "id_number=" not in page and "phone=" not in page
    assert not ObjectChange.objects.filter(object_repr__contains=NUMBER).exists()


@pytest.mark.skipif(
    not os.environ.get("PINGJI_TEST_REDIS"), reason="needs PINGJI_TEST_REDIS=redis://…"
)
def test_the_budget_is_shared_by_processes_through_a_shared_cache(api, county_user, settings):
    """Several gunicorn workers count in one place when PINGJI_CACHE_URL names a Redis."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["PINGJI_TEST_REDIS"],
            "KEY_PREFIX": f"test-{os.getpid()}",
        }
    }
    from django.core.cache import cache

    cache.clear()
    settings.PINGJI_SEARCH_RATE = (2, 600)
    client = api(county_user)
    assert client.post(SEARCH, {"id_number": NUMBER, "reason": "r"}).status_code == 200
    # a second process sees the same counter: another connection to the same cache
    other = redis.Redis.from_url(os.environ["PINGJI_TEST_REDIS"])
    keys = other.keys(f"*test-{os.getpid()}*identity-lookups:{county_user.pk}:*")
    assert len(keys) == 1 and int(other.get(keys[0])) == 1
    other.incr(keys[0])  # the other process spent one
    assert client.post(SEARCH, {"id_number": NUMBER, "reason": "r"}).status_code == 429
    cache.clear()
