"""A case among a school's or kindergarten's people is read against its disease's rule pack
(decision 0041): the cluster it makes with the establishment's other cases in the pack's window,
the response, and whether a class or the whole establishment closes."""

import datetime

import pytest

from pingji.cases.actions.reports import do_report_case
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.reopening.actions.registry import do_add_member
from pingji.reopening.models import Alert
from pingji.reopening.tests.factories import SchoolFactory
from pingji.users.choices import Role

from .conftest import at


@pytest.fixture
def epi(make_user):
    return make_user(Role.EPIDEMIOLOGIST, "350322")


@pytest.fixture
def kindergarten(grid):
    return SchoolFactory(jurisdiction=grid, kind="kindergarten", name="枫亭中心幼儿园")


def pupils(kindergarten, operator, grid, group, n):
    out = []
    for _ in range(n):
        person = PersonFactory(household=HouseholdFactory(jurisdiction=grid))
        do_add_member(kindergarten, person, "pupil", actor=operator, group=group)
        out.append(person)
    return out


def report(epi, person, when, disease="hfmd"):
    case = do_report_case(
        actor=epi,
        person=person,
        disease=disease,
        classification="suspected",
        channel="fever_clinic",
        reported_at=when,
    )
    return Alert.objects.get(case=case)


def test_two_hfmd_cases_in_one_class_within_a_week_close_that_class(
    epi, operator, grid, kindergarten
):
    a, b = pupils(kindergarten, operator, grid, "大一班", 2)
    first = report(epi, a, at(9, 1))
    assert first.finding == "" and first.closure_days is None  # one case is not a cluster
    second = report(epi, b, at(9, 6))
    assert "聚集性疫情" in second.finding or "cluster" in second.finding
    assert second.closure_days == 10 and second.closure_group == "大一班"
    assert "手足口病聚集性和暴发疫情处置工作规范" in second.finding  # the clause, cited


def test_cases_of_two_classes_or_outside_the_window_do_not_close_a_class(
    epi, operator, grid, kindergarten
):
    (a,) = pupils(kindergarten, operator, grid, "大一班", 1)
    b, c = pupils(kindergarten, operator, grid, "小二班", 2)
    report(epi, a, at(9, 1))
    assert report(epi, b, at(9, 3)).closure_days is None  # another class
    assert report(epi, c, at(9, 20)).closure_days is None  # the class's first is 17 days back


def test_ten_cases_in_a_week_close_the_whole_kindergarten(epi, operator, grid, kindergarten):
    everyone = [p for n in range(5) for p in pupils(kindergarten, operator, grid, f"中{n}班", 2)]
    alerts = [
        report(epi, p, at(9, 1) + datetime.timedelta(hours=6 * i)) for i, p in enumerate(everyone)
    ]
    last = alerts[-1]
    assert last.closure_days == 10 and last.closure_group == ""  # all of it, not one class
    assert "暴发疫情" in last.finding or "outbreak" in last.finding


def test_influenza_counts_its_own_cases_only(epi, operator, grid, kindergarten):
    flu = pupils(kindergarten, operator, grid, "大二班", 5)
    (other,) = pupils(kindergarten, operator, grid, "大二班", 1)
    report(epi, other, at(9, 1, 8), disease="hfmd")
    alerts = [report(epi, p, at(9, 1, 9 + i), disease="influenza") for i, p in enumerate(flu)]
    # five influenza-like cases in one class on one day close it for four days
    assert alerts[-1].closure_days == 4 and alerts[-1].closure_group == "大二班"
    assert alerts[-2].closure_days is None  # four are not enough, the hfmd case not counted


def test_a_covid_case_finds_no_school_rule(epi, operator, grid, kindergarten):
    a, b = pupils(kindergarten, operator, grid, "大一班", 2)
    report(epi, a, at(9, 1), disease="covid-19")
    alert = report(epi, b, at(9, 2), disease="covid-19")
    assert alert.finding == "" and alert.closure_days is None


def test_the_establishment_page_shows_what_the_rules_say(client, epi, operator, grid, kindergarten):
    a, b = pupils(kindergarten, operator, grid, "大一班", 2)
    report(epi, a, at(9, 1))
    report(epi, b, at(9, 2))
    client.force_login(operator)
    text = client.get(kindergarten.get_absolute_url()).content.decode()
    assert 'class="finding"' in text and "大一班" in text
