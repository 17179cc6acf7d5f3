"""Clusters of one disease in a community, judged by its rule pack as each case is reported
(decision 0041): hand, foot and mouth disease's village rules (3 cases in a week a cluster, 5 an
outbreak) become the county's work, once per level."""

import datetime

import pytest
from django.utils import timezone

from pingji.cases.actions.reports import do_report_case
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.preparedness.community_clusters import CLUSTER_KIND
from pingji.tasks.models import Task
from pingji.users.choices import Role


@pytest.fixture
def epi(make_user):
    return make_user(Role.EPIDEMIOLOGIST, "35")


def report(epi, tree, grid, day, disease="hfmd"):
    person = PersonFactory(household=HouseholdFactory(jurisdiction=tree[grid]))
    return do_report_case(
        actor=epi,
        person=person,
        disease=disease,
        classification="suspected",
        channel="fever_clinic",
        reported_at=timezone.make_aware(datetime.datetime(2021, 9, day, 10)),
    )


def cluster_tasks():
    return list(Task.objects.filter(kind=CLUSTER_KIND).order_by("pk"))


def test_three_cases_in_a_week_make_a_cluster_and_five_an_outbreak(epi, tree):
    report(epi, tree, "350322100001001", 1)
    report(epi, tree, "350322100001002", 3)
    assert cluster_tasks() == []
    report(epi, tree, "350322100001001", 6)  # the third within 7 days, in the same community
    (cluster,) = cluster_tasks()
    assert cluster.jurisdiction_id == "350322" and "3 cases within 7 days" in cluster.title
    assert "手足口病聚集性和暴发疫情处置工作规范" in cluster.description
    report(epi, tree, "350322100001002", 6)  # a fourth: the same cluster, no new work
    assert len(cluster_tasks()) == 1
    report(epi, tree, "350322100001001", 7)
    first, outbreak = cluster_tasks()
    assert first == cluster and "outbreak" in outbreak.title and "5 cases" in outbreak.title


def test_cases_apart_in_time_place_or_disease_do_not_count(epi, tree):
    report(epi, tree, "350322100001001", 1)
    report(epi, tree, "350206001001001", 2)  # another community
    report(epi, tree, "350322100001001", 3, disease="influenza")  # another disease
    report(epi, tree, "350322100001002", 9)  # 8 days after the first
    report(epi, tree, "350322100001001", 10, disease="covid-19")  # no village rule
    assert cluster_tasks() == []
