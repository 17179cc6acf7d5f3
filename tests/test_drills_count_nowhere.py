"""A drill changes no real figure: every aggregate passes its rows through ``geo.drills.real_only``.

The same county gets real data and, in its drill sandbox, data of every kind the aggregates sum
(cases through the reporting action, so their events too; open tasks). Each figure is computed
before and after the drill's rows exist and must not move, while the rows themselves are there
(checked, so the test cannot pass on a drill that wrote nothing).
"""

import dataclasses
import datetime

import pytest
from django.utils import timezone

from pingji.analytics import series
from pingji.areas.indicator import community_transmission
from pingji.cases.actions.reports import do_report_case
from pingji.cases.models import Case
from pingji.geo.choices import Level
from pingji.geo.drills import drill_roots, real_only
from pingji.geo.models import Jurisdiction
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.resources.capacity import _open_infections
from pingji.tasks.supervision import supervise
from pingji.tasks.tests.factories import TaskFactory
from pingji.users.choices import Role

DAY = datetime.date(2021, 9, 12)
REPORTED = timezone.make_aware(datetime.datetime(2021, 9, 12, 9, 0))
REAL_GRID = "350322100001001"
DRILL = [
    ("350322901", Level.TOWNSHIP, "350322"),
    ("350322901001", Level.COMMUNITY, "350322901"),
    ("350322901001001", Level.GRID, "350322901001"),
]


def _report(actor, grid: Jurisdiction, channel: str) -> Case:
    person = PersonFactory.create(household=HouseholdFactory.create(jurisdiction=grid))
    return do_report_case(
        actor=actor,
        person=person,
        classification="confirmed",
        channel=channel,
        reported_at=REPORTED,
        severity="mild",
        onset_date=DAY - datetime.timedelta(days=2),
        sampled_at=REPORTED - datetime.timedelta(hours=20),
    )


def _figures() -> dict:
    computed = series.compute("35", DAY - datetime.timedelta(days=3), DAY, unit_length=4)
    end = timezone.make_aware(datetime.datetime(2021, 9, 13))
    return {
        "series": {k: v.tolist() for k, v in computed.values.items()},
        "community": [dataclasses.asdict(r) for r in community_transmission("35", DAY)],
        "open infections": _open_infections("35", end),
        "supervision": _supervision(),
    }


def _supervision() -> dict:
    found = supervise("35", now=REPORTED)
    return {
        "counts": (found.open, found.overdue, found.submitted, found.escalated_here),
        "owners": [dataclasses.asdict(r) for r in found.owners],
    }


@pytest.fixture
def drill(tree):
    nodes = {}
    for code, level, parent in DRILL:
        nodes[code] = Jurisdiction.objects.create(
            code=code,
            name=f"演练{code[-3:]}",
            level=level,
            parent=nodes.get(parent) or tree[parent],
            drill=True,
        )
    return nodes


@pytest.mark.django_db
def test_a_drill_beside_real_data_moves_no_figure(tree, make_user, drill):
    epidemiologist = make_user(Role.EPIDEMIOLOGIST, "350322")
    _report(epidemiologist, tree[REAL_GRID], "community_screening")
    TaskFactory(jurisdiction=tree[REAL_GRID])
    before = _figures()

    drill_grid = drill["350322901001001"]
    _report(epidemiologist, drill_grid, "community_screening")
    _report(epidemiologist, drill_grid, "centralised_quarantine")
    TaskFactory(jurisdiction=drill_grid)
    TaskFactory(jurisdiction=drill_grid)

    assert Case.objects.filter(jurisdiction=drill_grid).count() == 2  # the drill's rows exist
    assert _figures() == before


@pytest.mark.django_db
def test_real_only_keeps_real_rows_and_drops_every_sandbox_row(tree, drill):
    assert drill_roots() == ["350322901"]
    everything = Jurisdiction.objects.all()
    kept = set(real_only(everything, "code").values_list("code", flat=True))
    assert kept == set(tree)
