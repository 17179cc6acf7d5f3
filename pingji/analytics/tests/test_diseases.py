"""Counting by disease (decision 0041): COVID-19's bulletin figures count COVID-19's cases only,
and each disease has its own new-infection indicator, which the situation room shows."""

import datetime

import pytest
from django.utils import timezone

from pingji.analytics.indicators.diseases import key_of
from pingji.analytics.onsets import onset_curve
from pingji.analytics.series import compute, outbreak_start
from pingji.cases.actions.course import do_reclassify_case
from pingji.cases.actions.reports import do_report_case
from pingji.core import clock
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.users.choices import Role

GRID = "350322100001001"
DAY = datetime.date(2021, 9, 12)


def at(hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2021, 9, 12, hour))


@pytest.fixture
def epi(make_user):
    return make_user(Role.EPIDEMIOLOGIST, "350322")


def report(epi, tree, disease, classification="asymptomatic"):
    person = PersonFactory(household=HouseholdFactory(jurisdiction=tree[GRID]))
    confirmed = classification == "confirmed"
    with clock.pinned(at(9)):  # recorded when reported: known as of that day
        return do_report_case(
            actor=epi,
            person=person,
            classification=classification,
            severity="mild" if confirmed else "",
            onset_date=DAY - datetime.timedelta(days=2) if confirmed else None,
            sampled_at=at(8),
            reported_at=at(9),
            channel="fever_clinic",
            disease=disease,
        )


def test_covid_figures_count_covid_cases_only_and_each_disease_its_own(epi, tree):
    report(epi, tree, "influenza")
    report(epi, tree, "influenza")
    report(epi, tree, "dengue")
    report(epi, tree, "covid-19")
    series = compute("35", DAY, DAY)
    assert series.on("new_infection", DAY) == 1
    assert series.on("new_asymptomatic", DAY) == 1
    assert series.on(key_of("influenza"), DAY) == 2
    assert series.on(key_of("dengue"), DAY) == 1
    assert series.on(key_of("covid-19"), DAY) == 1
    assert series.on(key_of("hfmd"), DAY) == 0


def test_a_reclassified_case_stays_with_its_disease(epi, tree):
    suspected = report(epi, tree, "hfmd", classification="suspected")
    with clock.pinned(at(10)):
        do_reclassify_case(
            suspected,
            actor=epi,
            classification="asymptomatic",
            at=at(10),
            sampled_at=at(8),
        )
    series = compute("35", DAY, DAY)
    assert series.on(key_of("hfmd"), DAY) == 1 and series.on("new_infection", DAY) == 0


def test_the_situation_room_shows_new_infections_by_disease(client, epi, tree):
    report(epi, tree, "norovirus")
    client.force_login(epi)
    page = client.get("/reports/situation/350322/", {"on": "2021-09-12"})
    text = page.content.decode()
    assert page.status_code == 200 and 'id="panel-diseases"' in text
    panel = text[text.index('id="panel-diseases"') :]
    row = panel[panel.index(f'data-key="{key_of("norovirus")}"') :]
    assert "Norovirus" in row[:200] and "<td>1</td>" in row[:300]


def test_another_disease_starts_no_outbreak_and_draws_no_onset(epi, tree):
    flu = report(epi, tree, "influenza", classification="confirmed")
    assert flu.onset_date is not None
    assert outbreak_start("35", DAY) is None
    assert onset_curve("35", DAY - datetime.timedelta(days=5), DAY) == {}
    report(epi, tree, "covid-19", classification="confirmed")
    assert outbreak_start("35", DAY) == DAY
    assert sum(onset_curve("35", DAY - datetime.timedelta(days=5), DAY).values()) == 1
