"""The command page: current mode (own or inherited), lower levels, history, the switch form."""

import pytest

from pingji.command.choices import Mode
from pingji.command.models import ModeSwitch
from pingji.users.choices import Role

from .factories import ModeSwitchFactory


@pytest.fixture
def commander(make_user):
    return make_user(Role.COMMANDER, "3503", username="pt-commander")


def test_the_county_page_shows_the_inherited_mode_and_its_history(client, tree, county_user):
    ModeSwitchFactory(jurisdiction=tree["3503"], level="II", reason="莆田本土疫情")
    client.force_login(county_user)
    page = client.get("/command/")
    text = page.content.decode()
    assert page.status_code == 200 and page.context["place"] == tree["350322"]
    assert page.context["current"].inherited_from == tree["3503"]
    assert "Emergency mode, response level II" in text and "莆田本土疫情" in text
    assert 'id="switch"' not in text  # an operator does not switch modes
    assert 'id="mode-banner"' in text


def test_the_city_page_lists_each_lower_levels_mode(client, tree, commander):
    ModeSwitchFactory(jurisdiction=tree["350322"], level="I")
    client.force_login(commander)
    page = client.get("/command/3503/")
    lower = {j.code: m for j, m in page.context["lower"]}
    assert lower["350322"].level == "I"
    assert 'id="switch"' in page.content.decode()


def test_a_commander_switches_through_the_form(client, tree, commander):
    client.force_login(commander)
    page = client.post(
        "/command/3503/switch/", {"mode": Mode.EMERGENCY, "level": "II", "reason": "本土疫情"}
    )
    assert page.status_code == 302 and page["Location"] == "/command/3503/"
    assert ModeSwitch.objects.get().decided_by == commander


def test_the_form_shows_each_error_at_its_field(client, tree, commander):
    client.force_login(commander)
    page = client.post(
        "/command/3503/switch/", {"mode": Mode.EMERGENCY, "level": "", "reason": "x"}
    )
    assert page.status_code == 400
    assert page.context["form"].errors["level"] == [
        "Emergency mode needs a response level (I to IV)."
    ]
    assert not ModeSwitch.objects.exists()


def test_outside_the_area_is_404_and_without_the_role_403(client, tree, commander, county_user):
    client.force_login(commander)
    assert client.get("/command/3502/").status_code == 404
    assert (
        client.post("/command/3502/switch/", {"mode": "peacetime", "reason": "x"}).status_code
        == 404
    )
    client.force_login(county_user)
    assert client.get("/command/350322/switch/").status_code == 403
    assert not ModeSwitch.objects.exists()


def test_the_switch_form_opens_with_the_current_mode(client, tree, commander):
    ModeSwitchFactory(jurisdiction=tree["35"], level="III")
    client.force_login(commander)
    page = client.get("/command/3503/switch/")
    assert page.status_code == 200
    assert page.context["current"].inherited_from == tree["35"]
