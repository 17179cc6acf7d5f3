"""The main menu: gathered from each app's ``AppConfig.nav``, filtered by the user's permissions,
grouped by workflow and trimmed to the groups the role works in (``context_processors``)."""

import datetime
import zoneinfo

import pytest
from django.apps import apps
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from pingji.context_processors import ALL_GROUPS, ROLE_GROUPS, nav_groups, nav_items
from pingji.core import clock
from pingji.users.choices import Role

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")


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
    assert labels.index("Overview") < labels.index("My tasks") < labels.index("Cases")
    assert labels.index("Cases") < labels.index("Users")


@pytest.mark.django_db
def test_the_entries_are_grouped_by_workflow(make_user):
    groups = {g["key"]: dict(g["items"]) for g in nav_groups(make_user(Role.ADMINISTRATOR, "35"))}

    assert list(groups) == list(ALL_GROUPS)
    assert set(groups["today"]) == {"Overview", "My tasks", "Situation room", "Daily reports"}
    assert {"Cases", "Investigations", "Placements", "Risk areas"} <= set(groups["response"])
    assert {"Users", "Audit"} <= set(groups["admin"])


@pytest.mark.django_db
def test_an_operator_sees_no_administration(make_user):
    groups = [g["key"] for g in nav_groups(make_user(Role.OPERATOR, "350322"))]

    assert "admin" not in groups and "response" in groups and "reopening" in groups


@pytest.mark.django_db
def test_a_grid_workers_menu_is_the_few_pages_of_their_day(make_user):
    groups = nav_groups(make_user(Role.GRID_WORKER, "350322100001001"))
    labels = [label for g in groups for label, _url in g["items"]]

    assert [g["key"] for g in groups] == ["today", "response", "readiness"]
    assert "Home monitoring today" in labels and "Mosquito surveillance" in labels
    # readable (no permission needed) but not their work: trimmed by role, not by permission
    assert "Command mode" not in labels and "Jobs" not in labels and "Protocols" not in labels
    assert len(labels) <= 10 < len(nav_items(make_user(Role.ADMINISTRATOR, "35")))


@pytest.mark.django_db
def test_a_liaisons_menu_is_their_establishments(make_user):
    groups = nav_groups(make_user(Role.LIAISON, "350322"))
    assert [g["key"] for g in groups] == ["today", "reopening"]


def test_every_entry_names_a_known_group_and_every_role_group_exists():
    for config in apps.get_app_configs():
        for entry in getattr(config, "nav", ()):
            assert len(entry) == 4 and entry[3] in ALL_GROUPS, (config.label, entry)
    for role, groups in ROLE_GROUPS.items():
        assert set(groups) <= set(ALL_GROUPS), role


@pytest.mark.django_db
def test_every_page_carries_the_menu(client, make_user):
    client.force_login(make_user(Role.EPIDEMIOLOGIST, "350322"))
    page = client.get(reverse("home")).content.decode()
    nav = page.split('class="main-nav"')[1].split("</nav>")[0]
    assert f'href="{reverse("cases:case_list")}"' in nav
    assert 'data-group="response"' in nav and 'data-group="admin"' not in nav
    assert 'for="menu-open"' in page  # the phone's menu button


@pytest.mark.django_db
def test_the_header_shows_the_platforms_clock_only_when_it_is_set(client, make_user):
    client.force_login(make_user(Role.OPERATOR, "350322"))
    assert 'id="platform-clock"' not in client.get(reverse("home")).content.decode()

    clock.hold(datetime.timedelta(days=-1600))
    page = client.get(reverse("home")).content.decode()

    shown = page.split('id="platform-clock"')[1].split("</span>")[0]
    assert clock.now().astimezone(ZONE).strftime("%Y-%m-%d") in shown


@pytest.mark.django_db
def test_a_day_viewed_is_kept_and_said_on_every_page_until_today(client, make_user):
    client.force_login(make_user(Role.OPERATOR, "350322"))
    client.get(reverse("tasks:inbox"), {"as_of": "2021-09-11"})

    for url in (reverse("home"), reverse("people:person_list")):
        page = client.get(url).content.decode()
        banner = page.split('id="as-of-banner"')[1].split("</div>")[0]
        assert "Viewing as of 2021-09-11 — read-only" in banner
        assert 'name="as_of" value="2021-09-11"' in page

    page = client.get(reverse("home"), {"as_of": ""}).content.decode()
    today = clock.today().isoformat()  # the control shows the day the page is of: today
    assert 'id="as-of-banner"' not in page and f'name="as_of" value="{today}"' in page


@pytest.mark.django_db
def test_the_frame_marks_the_page_shown_and_escapes_every_name(client, make_user, tree):
    """The menu, breadcrumb and language selector are written in Python (core.templatetags.
    chrome): the page shown is marked in the menu, and a jurisdiction's name is text."""
    tree["350322"].name = '<script>alert("x")</script>仙游县'
    tree["350322"].save()
    client.force_login(make_user(Role.EPIDEMIOLOGIST, "350322"))
    html = client.get(reverse("cases:case_list") + "?q=<b>").content.decode()
    cases = reverse("cases:case_list")
    assert f'<a href="{cases}" aria-current="page">' in html
    assert html.count('aria-current="page"') == 1
    assert (
        "<script>alert" not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    )
    # the breadcrumb and the language selector come back to this page, its query escaped
    assert html.count('name="next" value="/cases/?q=%3Cb%3E"') == 2 and "?q=<b>" not in html
    assert 'class="crumbs"' in html and 'name="language"' in html
    assert 'name="csrfmiddlewaretoken"' in html


@pytest.mark.django_db
def test_a_session_owing_its_code_has_no_menu_and_nobody_signed_out_has_an_account(
    client, make_user, settings
):
    """The header is written in Python (core.templatetags.chrome): past the password but not the
    code, a session is offered only the code step, logging out and its language."""
    settings.REQUIRE_OTP = True
    user = make_user(Role.COMMANDER, "350322")  # may reveal personal data: owes a code
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    assert client.login(username=user.username, password="pw")
    page = client.get(reverse("otp_verify")).content.decode()
    header = page.split('<header class="top">')[1].split("</header>")[0]
    assert 'class="main-nav"' not in header and 'id="day-viewed"' not in header
    assert 'class="password-link"' not in header
    assert f'action="{reverse("logout")}"' in header and 'name="language"' in header

    client.logout()
    header = client.get(reverse("login")).content.decode().split("</header>")[0]
    assert 'class="who"' not in header and 'class="main-nav"' not in header
    assert 'name="language"' in header
