"""/api/command/mode-switches/ and /api/command/modes/current/."""

import pytest

from pingji.command.models import ModeSwitch
from pingji.users.choices import Role

from .factories import ModeSwitchFactory

URL = "/api/command/mode-switches/"


@pytest.fixture
def commander(make_user):
    return make_user(Role.COMMANDER, "3503", username="pt-commander")


def test_a_county_lists_its_citys_switches_but_not_another_citys(api, tree, county_user):
    city = ModeSwitchFactory(jurisdiction=tree["3503"])
    ModeSwitchFactory(jurisdiction=tree["3502"])
    ids = [row["id"] for row in api(county_user).get(URL).json()["results"]]
    assert ids == [city.pk]


def test_the_list_filters_by_jurisdiction_prefix(api, tree, make_user):
    ModeSwitchFactory(jurisdiction=tree["350322"])
    ModeSwitchFactory(jurisdiction=tree["3502"])
    admin = make_user(Role.ADMINISTRATOR, "35")
    rows = api(admin).get(URL, {"within": "3503"}).json()["results"]
    assert [r["jurisdiction"] for r in rows] == ["350322"]


def test_a_commander_switches_a_mode(api, tree, commander):
    payload = {"jurisdiction": "350322", "mode": "emergency", "level": "III", "reason": "仙游疫情"}
    response = api(commander).post(URL, payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["decided_by"] == "pt-commander"
    again = api(commander).post(URL, payload, format="json")
    assert again.status_code == 400 and "mode" in again.json()


def test_switches_are_never_edited(api, tree, make_user):
    switch = ModeSwitchFactory(jurisdiction=tree["3503"])
    admin = make_user(Role.ADMINISTRATOR, "35")
    assert api(admin).patch(f"{URL}{switch.pk}/", {"reason": "x"}, format="json").status_code == 405
    assert api(admin).delete(f"{URL}{switch.pk}/").status_code == 405


@pytest.mark.parametrize(
    "who, code, status",
    [("commander", "3502", 404), ("operator", "350322", 403)],
)
def test_outside_the_area_is_404_and_without_the_role_403(
    api, tree, commander, county_user, who, code, status
):
    user = commander if who == "commander" else county_user
    payload = {"jurisdiction": code, "mode": "emergency", "level": "IV", "reason": "x"}
    assert api(user).post(URL, payload, format="json").status_code == status
    assert not ModeSwitch.objects.exists()


def test_current_mode_with_inheritance(api, tree, county_user):
    switch = ModeSwitchFactory(jurisdiction=tree["3503"], level="II")
    body = api(county_user).get("/api/command/modes/current/", {"jurisdiction": "350322100"}).json()
    assert body["mode"] == "emergency" and body["level"] == "II"
    assert body["inherited_from"] == "3503" and body["switch"] == switch.pk
    assert api(county_user).get("/api/command/modes/current/").json()["jurisdiction"] == "350322"
    assert (
        api(county_user).get("/api/command/modes/current/", {"jurisdiction": "3502"}).status_code
        == 404
    )
