"""Each role's home: the panels of its day, scoped to the user, each number equal to the list it
links to (``pingji.homes``)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from pingji.analytics.tests.conftest import HULI, XIANYOU, XIANYOU_2, report
from pingji.areas.tests.factories import RiskAreaFactory, TransitionFactory
from pingji.cases.tests.factories import CaseFactory
from pingji.core import clock
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.quarantine.choices import Setting
from pingji.quarantine.models import SiteStaff
from pingji.quarantine.tests.factories import PlacementFactory, RoomFactory, SiteFactory
from pingji.reopening.tests.factories import EstablishmentFactory
from pingji.tasks.choices import TaskKind
from pingji.tasks.tests.factories import TaskFactory
from pingji.tracing.tests.factories import DispatchFactory, InvestigationFactory
from pingji.users.choices import Role

GRID = "350322100001001"
HULI_GRID = "350206001001001"
HOUR = datetime.timedelta(hours=1)


def _home(client, user, **query):
    client.force_login(user)
    response = client.get(reverse("home"), query)
    assert response.status_code == 200
    return response


def _figures(context, *names) -> dict:
    """key → Figure of the named context entries (lists of figures)."""
    return {f.key: f for name in names for f in context[name]}


def _listed_count(client, figure) -> int:
    """What the list a figure links to says it holds: its paginator's count."""
    page = client.get(figure.url)
    assert page.status_code == 200, figure.url
    return page.context["paginator"].count


def _assert_each_figure_equals_its_list(client, figures) -> None:
    for figure in figures:
        assert figure.count == _listed_count(client, figure), figure.key


@pytest.fixture
def both_counties(tree):
    """Of each thing a commander decides on or chases, one in 仙游县 and one in 湖里区."""
    for grid in (tree[GRID], tree[HULI_GRID]):
        area = RiskAreaFactory(jurisdiction=grid, status="proposed")
        TransitionFactory(area=area, status="proposed", published_at=None)
        EstablishmentFactory(jurisdiction=grid, status="inspected")
        DispatchFactory(home=grid)
        TaskFactory(jurisdiction=grid, deadline=timezone.now() - 2 * HOUR)
    TaskFactory(jurisdiction=tree[GRID], deadline=timezone.now() + 2 * HOUR)  # not yet late


@pytest.mark.django_db
@pytest.mark.usefixtures("both_counties")
def test_a_county_commander_decides_on_their_county_only(client, make_user):
    page = _home(client, make_user(Role.COMMANDER, "350322"))

    figures = _figures(page.context, "decisions", "backlog")
    assert {k: f.count for k, f in figures.items()} == {
        "transitions-proposed": 1,
        "transitions-approved": 0,
        "resumption-inspected": 1,
        "dispatches-unanswered": 1,
        "tasks-overdue": 1,
    }
    _assert_each_figure_equals_its_list(client, figures.values())
    assert page.templates[0].name == "homes/commander.html"
    html = page.content.decode()
    assert 'data-key="tasks-overdue"' in html and 'class="alarm"' in html


@pytest.mark.django_db
@pytest.mark.usefixtures("both_counties")
def test_a_province_commander_sees_both_counties(client, make_user):
    figures = _figures(_home(client, make_user(Role.COMMANDER, "35")).context, "decisions")

    assert figures["transitions-proposed"].count == 2
    _assert_each_figure_equals_its_list(client, figures.values())


@pytest.fixture
def outbreak_days(tree, make_user):
    """Reported in 仙游县: 3 on 10 Sep (two grids), 1 on 11 Sep; in 湖里区: 2 on 11 Sep."""
    epi = make_user(Role.EPIDEMIOLOGIST, "35", username="province-epi")
    for grid, day in ((XIANYOU, 10), (XIANYOU_2, 10), (XIANYOU, 10), (XIANYOU, 11)):
        report(epi, tree, grid, day)
    report(epi, tree, HULI, 11)
    report(epi, tree, HULI, 11, hour=15)


@pytest.mark.django_db
@pytest.mark.usefixtures("outbreak_days")
def test_the_commander_compares_the_day_with_the_one_before_by_area(client, make_user):
    page = _home(client, make_user(Role.COMMANDER, "3503"), as_of="2021-09-11")

    epidemic = page.context["epidemic"]
    assert epidemic["on"] == datetime.date(2021, 9, 11)
    assert epidemic["total"] == {"today": 1, "yesterday": 3, "change": -2}
    assert [(a["name"], a["today"], a["yesterday"]) for a in epidemic["areas"]] == [
        ("仙游县", 1, 3)  # the city's only county here: 湖里区 is another city's
    ]
    # the situation room it links to counts the same day the same way
    room = client.get(epidemic["situation_url"]).context["situation"]
    assert room.on == epidemic["on"]
    assert sum(u["values"][0] + u["values"][1] for u in room.units) == 1
    assert [r["code"] for r in epidemic["rt"]] == ["350322"]
    # two days into the outbreak: shorter than one Rt window, and said so rather than a number
    assert epidemic["rt"][0]["state"] == "too_early"
    assert 'data-state="too_early"' in page.content.decode()
    assert set(epidemic["maps"]["infections"]) == {"350322"}


@pytest.mark.django_db
@pytest.mark.usefixtures("outbreak_days")
def test_a_county_commander_sees_no_figure_of_another_county(client, make_user):
    epidemic = _home(client, make_user(Role.COMMANDER, "350206"), as_of="2021-09-11").context[
        "epidemic"
    ]
    assert epidemic["total"]["today"] == 2 and epidemic["total"]["yesterday"] == 0
    assert [a["code"] for a in epidemic["areas"]] == ["350206001"]
    assert "仙游县" not in str(epidemic)


@pytest.mark.django_db
def test_the_epidemiologist_sees_open_investigations_with_deadlines(client, tree, make_user):
    for grid in (tree[GRID], tree[HULI_GRID]):
        person = PersonFactory(household=HouseholdFactory(jurisdiction=grid))
        InvestigationFactory(case=CaseFactory(person=person))

    page = _home(client, make_user(Role.EPIDEMIOLOGIST, "350322"))

    figures = _figures(page.context, "investigations")
    assert figures["investigations-open"].count == 1
    _assert_each_figure_equals_its_list(client, figures.values())
    assert len(page.context["due"]) == 1
    assert f'href="{reverse("tracing:chain_graph")}"' in page.content.decode()


def _at_home(grid, *, test_due: bool):
    today = clock.today()
    return PlacementFactory(
        person=PersonFactory(household=HouseholdFactory(jurisdiction=grid)),
        setting=Setting.HOME,
        planned_release_on=today - datetime.timedelta(days=3),
        planned_end_on=today + datetime.timedelta(days=4),
        next_test_on=today if test_due else None,
        last_check_on=today,
    )


@pytest.mark.django_db
def test_the_operator_works_the_counties_dispatches_and_home_monitoring(client, tree, make_user):
    DispatchFactory(home=tree[GRID])
    DispatchFactory(home=tree[GRID], status="acknowledged")
    DispatchFactory(home=tree[HULI_GRID])
    _at_home(tree[GRID], test_due=True)
    _at_home(tree[GRID], test_due=False)
    _at_home(tree[HULI_GRID], test_due=True)
    operator = make_user(Role.OPERATOR, "350322")

    page = _home(client, operator)

    dispatches = _figures(page.context, "dispatches")
    assert dispatches["dispatches-unanswered"].count == 1
    assert dispatches["dispatches-acknowledged"].count == 1
    _assert_each_figure_equals_its_list(client, dispatches.values())
    _assert_figures_equal_today_list(client, _figures(page.context, "monitoring"), 2, 1)
    _assert_each_figure_equals_its_list(client, page.context["placements"])


def _assert_figures_equal_today_list(client, figures, people: int, tests: int) -> None:
    today = client.get(reverse("quarantine:today")).context["rows"]
    assert figures["at-home"].count == len(today) == people
    assert figures["at-home-tests"].count == sum(bool(r["test_due"]) for r in today) == tests
    assert figures["at-home-overdue"].count == sum(r["overdue"] for r in today)


@pytest.mark.django_db
def test_the_grid_worker_sees_the_grids_visits_and_door_checks(client, tree, make_user):
    worker = make_user(Role.GRID_WORKER, GRID)
    _at_home(tree[GRID], test_due=True)
    _at_home(tree["350322100001002"], test_due=True)  # the next grid: not theirs
    TaskFactory(jurisdiction=tree[GRID], assignee=worker, kind=TaskKind.DOOR_CHECK)
    TaskFactory(jurisdiction=tree[GRID], assignee=worker, kind=TaskKind.GENERAL)

    page = _home(client, worker)

    _assert_figures_equal_today_list(client, _figures(page.context, "monitoring"), 1, 1)
    [doors] = page.context["doors"]
    assert doors.count == 1 == _listed_count(client, doors)
    work = _figures(page.context, "work")
    inbox = client.get(reverse("tasks:inbox")).context
    assert work["my-tasks"].count == inbox["work_count"] == 2
    assert work["my-overdue"].count == inbox["overdue_count"]


@pytest.mark.django_db
def test_the_site_manager_sees_their_site_only(client, tree, make_user):
    manager = make_user(Role.SITE_MANAGER, "350322")
    mine, other = SiteFactory(jurisdiction=tree[GRID]), SiteFactory(jurisdiction=tree[GRID])
    SiteStaff.objects.create(site=mine, user=manager)
    today = clock.today()
    for site in (mine, other):
        PlacementFactory(
            site=site,
            room=RoomFactory(site=site),
            person=PersonFactory(household=HouseholdFactory(jurisdiction=tree[GRID])),
            next_test_on=today,
            planned_release_on=today,
            planned_end_on=today + datetime.timedelta(days=7),
        )

    page = _home(client, manager)

    assert [site for site, *_load in page.context["sites"]] == [mine]
    assert [p.site for p in page.context["tests_due"]] == [mine]
    assert [p.site for p in page.context["releases_due"]] == [mine]
    detail = client.get(mine.get_absolute_url()).context
    [(_site, used, beds, _near)] = page.context["sites"]
    assert (used, beds) == (detail["used"], detail["beds"])


@pytest.mark.django_db
def test_the_liaison_sees_their_establishments_only(client, tree, make_user):
    liaison = make_user(Role.LIAISON, "350322")
    EstablishmentFactory(jurisdiction=tree[GRID], liaison=liaison, status="paused")
    EstablishmentFactory(jurisdiction=tree[GRID], liaison=liaison)
    EstablishmentFactory(jurisdiction=tree[GRID], status="paused")  # someone else's

    page = _home(client, liaison)

    figures = _figures(page.context, "establishments")
    assert figures["establishments"].count == 2
    assert figures["establishments-paused"].count == 1
    _assert_each_figure_equals_its_list(client, figures.values())
    assert len(page.context["without_plan"]) == 2


@pytest.mark.django_db
def test_a_role_without_a_day_of_its_own_gets_the_overview(client, make_user):
    page = _home(client, make_user(Role.AUDITOR, "350322"))
    assert page.templates[0].name == "home.html"
    assert page.context["overdue"].count == _listed_count(client, page.context["overdue"])
