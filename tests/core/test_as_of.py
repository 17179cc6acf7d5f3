"""Viewing as of a past day (docs/decisions/0030): the header's ``?as_of=`` is kept while a
person moves between pages, a page's own ``?on=`` wins for that page, and a future or garbled
day is not kept."""

import datetime

import pytest
from django.urls import reverse

from pingji.core import as_of, clock
from pingji.users.choices import Role

DAY = datetime.date(2021, 9, 20)

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(client, make_user):
    client.force_login(make_user(Role.COMMANDER, "350322"))
    return client


def shown(client, url_name, query=""):
    response = client.get(reverse(url_name) + query)
    assert response.status_code == 200
    return response.context["on"]


def test_the_day_is_kept_across_pages_until_cleared(browser):
    assert shown(browser, "areas:indicator", f"?as_of={DAY}") == DAY
    assert shown(browser, "areas:map") == DAY
    assert browser.session[as_of.SESSION_KEY] == DAY.isoformat()
    assert shown(browser, "areas:indicator", "?as_of=") == clock.today()
    assert shown(browser, "areas:map") == clock.today()


def test_a_page_asked_for_its_own_day_shows_that_day(browser):
    browser.get(reverse("areas:map") + f"?as_of={DAY}")
    assert shown(browser, "areas:indicator", "?on=2021-09-14") == datetime.date(2021, 9, 14)
    assert shown(browser, "areas:map") == DAY  # the kept day is untouched


@pytest.mark.parametrize("bad", ["2999-01-01", "20 September", "2021-13-01", "x" * 5000])
def test_a_future_or_garbled_day_is_not_kept(browser, bad):
    browser.get(reverse("areas:map") + f"?as_of={DAY}")
    assert shown(browser, "areas:indicator", f"?as_of={bad}") == clock.today()
    assert as_of.SESSION_KEY not in browser.session


def test_the_situation_room_honours_the_kept_day(browser):
    browser.get(reverse("areas:map") + f"?as_of={DAY}")
    response = browser.get(reverse("reports:situation", args=["350322"]))
    assert response.status_code == 200
    assert response.context["situation"].on == DAY


def test_viewing_a_past_day_is_read_only_until_today(client, make_user):
    from pingji.people.models import Person

    client.force_login(make_user(Role.OPERATOR, "350322"))
    client.get(reverse("areas:map"), {"as_of": DAY.isoformat()})
    form = reverse("people:person_create")
    data = {"name": "陈明", "sex": "M", "jurisdiction": "350322100001001"}
    refused = client.post(form, data, HTTP_REFERER=f"http://testserver{form}")
    assert refused.status_code == 409
    assert not Person.objects.filter(name="陈明").exists()
    assert f"{form}?as_of=" in refused.content.decode()  # the way back, to today's form
    # leaving, the language and the focus still work while a past day is viewed
    assert client.post(reverse("geo:set_focus"), {"code": "350322"}).status_code in (200, 302)
    client.get(reverse("areas:map"), {"as_of": ""})
    assert client.post(form, data).status_code != 409
