"""The main menu: gathered from each app's ``AppConfig.nav``, filtered by the user's permissions."""

import pytest
from django.urls import reverse

from pingji.context_processors import nav_items
from pingji.users.choices import Role


@pytest.mark.django_db
def test_the_menu_shows_what_the_role_may_open_and_hides_the_rest(make_user):
    epidemiologist = dict(nav_items(make_user(Role.EPIDEMIOLOGIST, "350322")))
    grid_worker = dict(nav_items(make_user(Role.GRID_WORKER, "350322")))

    assert epidemiologist["Cases"] == reverse("cases:case_list")
    assert "Cases" not in grid_worker and "Audit" not in grid_worker
    assert grid_worker["My tasks"] == reverse("tasks:inbox")


@pytest.mark.django_db
def test_daily_work_comes_before_administration(make_user):
    labels = [label for label, _url in nav_items(make_user(Role.ADMINISTRATOR, "35"))]
    assert labels.index("My tasks") < labels.index("Cases") < labels.index("Users")


@pytest.mark.django_db
def test_every_page_carries_the_menu(client, make_user):
    client.force_login(make_user(Role.EPIDEMIOLOGIST, "350322"))
    page = client.get(reverse("home")).content.decode()
    nav = page.split('class="main-nav"')[1].split("</nav>")[0]
    assert f'href="{reverse("cases:case_list")}"' in nav
