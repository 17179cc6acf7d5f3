"""A query budget for the pages and API endpoints used most: what one request may cost.

Each page is asked for with more rows than one page of a list holds (``ROWS``) and, for the menu
and the switcher, under a county with many lower levels (``TOWNSHIPS``): a query per row or per
lower level would overrun the budget, which does not grow with either. The budgets are what the
pages cost now, with the few queries of slack a page may grow by before someone should look.

Every HTML page costs the session, the user and (for the roles with two factors) the device, then
one query for the response mode in the banner; the menu and the switcher come from the cache.
"""

import datetime

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pingji.geo.choices import Level
from pingji.geo.models import Jurisdiction
from pingji.reports.tests.factories import daily_report
from pingji.users.choices import Role
from tests.test_permissions import factories

GRID = "350322100001001"
COUNTY = "350322"
#: More rows of each listed model than one page shows (50).
ROWS = 55
#: Lower levels of the county: the switcher lists them all, the situation room has a row each.
TOWNSHIPS = 60
#: What a situation room costs once it is built, until the next event.
SITUATION_KEPT = 9

#: The rows each page and endpoint lists, made by each app's ``SCOPED_FACTORIES``.
LISTED = (
    "tasks.Task",
    "tasks.Directive",
    "tasks.PlanTemplate",
    "cases.Case",
    "people.Person",
    "quarantine.Placement",
    "quarantine.Site",
    "testing.Round",
    "areas.RiskArea",
    "areas.Checkpoint",
    "tracing.Investigation",
    "tracing.Dispatch",
    "command.Meeting",
)


def _first(label: str) -> int:
    return apps.get_model(label).objects.order_by("pk").values_list("pk", flat=True)[0]


#: (page, queries it may cost). A callable page is given nothing and names a row made above.
PAGES = (
    ("/", 13),  # the commander's home: its epidemic is kept until the next event, like a situation
    ("/tasks/", 8),
    ("/tasks/all/", 8),
    (lambda: f"/tasks/{_first('tasks.Task')}/", 10),
    ("/tasks/supervision/", 19),
    ("/tasks/directives/", 8),
    ("/cases/", 8),
    (lambda: f"/cases/{_first('cases.Case')}/", 10),
    (f"/reports/situation/{COUNTY}/", SITUATION_KEPT),
    ("/reports/daily/", 9),
    ("/quarantine/", 8),
    ("/quarantine/today/", 7),
    ("/quarantine/sites/", 10),
    ("/testing/", 9),
    (lambda: f"/testing/rounds/{_first('testing.Round')}/", 13),
    ("/areas/", 11),
    ("/people/", 9),
    ("/people/search/", 6),
    ("/tracing/", 8),
    ("/tracing/dispatches/", 8),
    ("/command/", 11),
)

#: Each role's home (``pingji.homes``), as (role, its jurisdiction, queries it may cost): a count
#: per figure, each by the list it links to, and no query per row or per lower level.
HOMES = (
    (Role.EPIDEMIOLOGIST, COUNTY, 12),
    (Role.OPERATOR, COUNTY, 12),
    (Role.SITE_MANAGER, COUNTY, 9),
    (Role.LIAISON, COUNTY, 11),
    (Role.GRID_WORKER, GRID, 8),
    (Role.AUDITOR, COUNTY, 10),
)

#: API lists, to a client authenticated directly (no session): a count, a page, and what the
#: rows relate to many of (a risk area's places, a meeting's directives), one query each.
ENDPOINTS = (
    ("/api/tasks/tasks/", 4),
    ("/api/cases/cases/", 4),
    ("/api/people/persons/", 4),
    ("/api/quarantine/placements/", 4),
    ("/api/testing/rounds/", 4),
    ("/api/testing/campaigns/", 6),
    ("/api/areas/risk-areas/", 6),
    ("/api/areas/checkpoints/", 5),
    ("/api/tracing/investigations/", 4),
    ("/api/tracing/dispatches/", 4),
    ("/api/command/meetings/", 5),
    ("/api/tasks/directives/", 5),
    ("/api/reports/daily/", 4),
)


@pytest.fixture
def county(tree):
    """The county, with ``TOWNSHIPS`` more lower levels."""
    for n in range(TOWNSHIPS):
        Jurisdiction.objects.create(
            code=f"{COUNTY}{200 + n:03d}", name=f"镇{n}", level=Level.TOWNSHIP, parent=tree[COUNTY]
        )
    return tree[COUNTY]


@pytest.fixture
def busy_county(county, tree):
    """The county with ``ROWS`` rows of every listed model."""
    made = factories()
    for label in LISTED:
        make = made[apps.get_model(label)]
        for _ in range(ROWS):
            make(tree[GRID])
    for n in range(ROWS):  # one a day: a day has one report
        daily_report(tree[GRID], day=datetime.date(2021, 9, 1) + datetime.timedelta(days=n))
    return county


@pytest.fixture
def commander(make_user, client, county):
    user = make_user(Role.COMMANDER, COUNTY)
    client.force_login(user)
    return user


def _path(page) -> str:
    return page() if callable(page) else page


def _figures(page: str) -> str:
    """The situation's own part of its page (the rest carries a fresh token and nonce)."""
    return page.split('id="units"')[1].split('id="overdue"')[0]


@pytest.mark.django_db
@pytest.mark.usefixtures("commander", "busy_county")
def test_pages_stay_within_their_budget(client, django_assert_max_num_queries):
    paths = [_path(page) for page, _budget in PAGES]
    for path in paths:  # what a process keeps (the menu, the path, a situation) is kept now
        assert client.get(path).status_code == 200, path
    for path, (_page, budget) in zip(paths, PAGES, strict=True):
        with django_assert_max_num_queries(budget, info=path):
            client.get(path)


@pytest.mark.django_db
@pytest.mark.usefixtures("busy_county")
@pytest.mark.parametrize(("role", "code", "budget"), HOMES)
def test_each_roles_home_stays_within_its_budget(
    client, make_user, django_assert_max_num_queries, role, code, budget
):
    client.force_login(make_user(role, code))
    assert client.get("/").status_code == 200  # what a process keeps is kept now
    with django_assert_max_num_queries(budget, info=role):
        client.get("/")


@pytest.mark.django_db
@pytest.mark.usefixtures("busy_county")
def test_api_lists_stay_within_their_budget(commander, api, django_assert_max_num_queries):
    caller = api(commander)
    for path, budget in ENDPOINTS:
        with django_assert_max_num_queries(budget, info=path):
            response = caller.get(path)
        assert response.status_code == 200, path
        assert response.json()["count"] >= ROWS, path


@pytest.mark.django_db
@pytest.mark.usefixtures("commander")
def test_the_switcher_lists_every_lower_level_in_one_query(client):
    with CaptureQueriesContext(connection) as first:
        page = client.get("/tasks/").content.decode()
    with CaptureQueriesContext(connection) as again:
        client.get("/tasks/")

    assert page.count(f'<option value="{COUNTY}') == TOWNSHIPS + 1  # the fixture's own township
    assert len(first) - len(again) == 1  # the path to the focus, read once and then cached


@pytest.mark.django_db
def test_the_switcher_shows_a_new_lower_level_at_once(commander, client, county):
    client.get("/tasks/")
    Jurisdiction.objects.create(
        code=f"{COUNTY}999", name="新设镇", level=Level.TOWNSHIP, parent=county
    )
    assert "新设镇" in client.get("/tasks/").content.decode()

    Jurisdiction.objects.filter(code=f"{COUNTY}999").delete()
    assert "新设镇" not in client.get("/tasks/").content.decode()


@pytest.mark.django_db
@pytest.mark.usefixtures("commander")
def test_the_situation_room_is_built_once_until_the_next_event(client):
    page = f"/reports/situation/{COUNTY}/"
    with CaptureQueriesContext(connection) as built:
        first = client.get(page).content.decode()
    with CaptureQueriesContext(connection) as kept:
        again = client.get(page).content.decode()

    assert len(kept) <= SITUATION_KEPT < len(built)
    assert _figures(again) == _figures(first)
    assert again.count(f'<tr data-code="{COUNTY}') == TOWNSHIPS + 1  # every lower level


@pytest.mark.django_db
@pytest.mark.usefixtures("commander")
def test_a_new_event_retires_the_kept_situation(client, tree):
    from pingji.core.models import DomainEvent

    page = f"/reports/situation/{COUNTY}/"
    client.get(page)
    factories()[DomainEvent](tree[GRID])
    with CaptureQueriesContext(connection) as rebuilt:
        client.get(page)
    assert len(rebuilt) > SITUATION_KEPT


@pytest.mark.django_db
def test_the_inbox_shows_a_page_of_its_work_and_counts_it_all(
    tree, make_user, client, django_assert_max_num_queries
):
    from pingji.tasks.tests.factories import TaskFactory

    worker = make_user(Role.GRID_WORKER, GRID)
    now = timezone.now()
    for n in range(200):
        deadline = now + datetime.timedelta(hours=-1 if n < 120 else 1)
        TaskFactory(jurisdiction=tree[GRID], assignee=worker, deadline=deadline)
    client.force_login(worker)
    client.get("/tasks/")

    with django_assert_max_num_queries(9):
        first = client.get("/tasks/").content.decode()
    last = client.get("/tasks/", {"page": 4}).content.decode()

    assert first.count('class="card task') == 50 and last.count('class="card task') == 50
    assert "200" in first.split("</h1>")[0] and "120 overdue" in first
    assert 'href="/tasks/' in first and "page 1 of 4" in first
