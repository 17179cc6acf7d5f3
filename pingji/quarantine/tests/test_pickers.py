"""The room picker: a site's rooms in natural order (2 before 10), following the chosen site,
and room keys from another county refused by the forms that use it."""

import pytest

from pingji.quarantine.forms import PlaceForm, TransferForm
from pingji.quarantine.tests.factories import RoomFactory, SiteFactory
from pingji.users.choices import Role

pytestmark = pytest.mark.django_db
URL = "/api/people/pick/{}/"


def pick(client, q, picker="rooms", **params):
    return client.get(URL.format(picker), {"q": q, **params})


def test_rooms_come_in_natural_order_and_follow_the_site(api, make_user, tree):
    user = make_user(Role.OPERATOR, "350322")
    site = SiteFactory(jurisdiction=tree["350322"], name="仙游宾馆")
    other = SiteFactory(jurisdiction=tree["350322"], name="仙游酒店")
    for number in ("10", "2", "1", "3-10", "3-2"):
        RoomFactory(site=site, number=number)
    RoomFactory(site=other, number="1")
    RoomFactory(site=SiteFactory(jurisdiction=tree["350206"], name="湖里宾馆"), number="1")
    rows = pick(api(user), "仙游宾馆").json()["results"]
    assert [r["label"].split(" · ")[0] for r in rows] == ["1", "2", "3-2", "3-10", "10"]
    ones = pick(api(user), "1", site=str(other.pk)).json()["results"]
    assert [r["label"] for r in ones] == ["1 · 仙游酒店"]
    assert pick(api(user), "1", site="1 OR 1").status_code == 400


def test_room_pickers_refuse_another_countys_room_and_follow_the_site(make_user, tree):
    epi = make_user(Role.EPIDEMIOLOGIST, "350322")
    ours = RoomFactory(site=SiteFactory(jurisdiction=tree["350322"]), number="2")
    theirs = RoomFactory(site=SiteFactory(jurisdiction=tree["350206"]), number="2")
    transfer = TransferForm({"site": ours.site_id, "room": theirs.pk, "reason": "维修"}, user=epi)
    assert not transfer.is_valid() and transfer.errors["room"] == ["No such room in your area."]
    accepted = TransferForm({"site": ours.site_id, "room": ours.pk, "reason": "维修"}, user=epi)
    assert accepted.is_valid(), accepted.errors
    assert 'data-picker-follows="site"' in str(PlaceForm(user=epi)["room"])
