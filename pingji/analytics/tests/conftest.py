"""Analytics fixtures: cases reported through ``do_report_case`` in 仙游县 and 湖里区.

The fixtures write September 2021 as it happened: each action runs with the platform's clock at
the moment it stands for (``core.clock.pinned``), so its events and change-log rows
are recorded then, and a read "as of" a day (decision 0030) sees exactly what was known by then.
``recorded_on`` moves a case's last logged change to another moment, for tests of corrections
made "later".
"""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from pingji.cases.actions.course import do_reclassify_case
from pingji.cases.actions.reports import do_report_case
from pingji.cases.models import Case
from pingji.core import clock
from pingji.core.models import ObjectChange
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.users.choices import Role

XIANYOU = "350322100001001"
XIANYOU_2 = "350322100001002"
HULI = "350206001001001"


def at(day: int, hour: int = 9, month: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2021, month, day, hour, 0))


def recorded_on(case: Case, when: datetime.datetime) -> None:
    """Stamp the case's last logged change as recorded at ``when`` (module docstring)."""
    kind = ContentType.objects.get_for_model(Case)
    last = ObjectChange.objects.filter(content_type=kind, object_id=str(case.pk)).latest("id")
    ObjectChange.objects.filter(pk=last.pk).update(time=when)


@pytest.fixture
def province_epi(make_user):
    return make_user(Role.EPIDEMIOLOGIST, "35", username="province-epi")


def report(
    actor,
    tree,
    grid,
    day,
    *,
    hour=9,
    classification="confirmed",
    channel="community_screening",
    origin="local",
    recorded=None,
):
    """A case reported on ``day`` at ``hour``, recorded then (or at ``recorded``: entered late)."""
    person = PersonFactory(household=HouseholdFactory(jurisdiction=tree[grid]))
    facts = {"classification": classification, "channel": channel, "origin": origin}
    if classification == "confirmed":
        facts |= {
            "severity": "mild",
            "onset_date": at(day, hour).date() - datetime.timedelta(days=1),
        }
    if classification in ("confirmed", "asymptomatic"):
        facts["sampled_at"] = at(day, hour) - datetime.timedelta(hours=6)
    with clock.pinned(recorded or at(day, hour)):
        return do_report_case(actor=actor, person=person, reported_at=at(day, hour), **facts)


@pytest.fixture
def outbreak(tree, province_epi):
    """Xianyou: 3 confirmed on 10 Sep (one at 23:00), 1 asymptomatic found in quarantine on 11 Sep
    and reclassified on 12 Sep, 1 confirmed in quarantine on 12 Sep; Huli: 1 confirmed on 12 Sep
    and 1 at 00:00 on 13 Sep (the next day under the 24:00 cut-off)."""
    r = lambda *a, **k: report(province_epi, tree, *a, **k)  # noqa: E731
    r(XIANYOU, 10)
    r(XIANYOU_2, 10)
    r(XIANYOU, 10, hour=23)
    asym = r(XIANYOU, 11, classification="asymptomatic", channel="centralised_quarantine")
    with clock.pinned(at(12, 10)):
        do_reclassify_case(
            asym,
            actor=province_epi,
            classification="confirmed",
            reason="symptoms_developed",
            severity="mild",
            onset_date=datetime.date(2021, 9, 12),
            at=at(12, 10),
        )
    r(XIANYOU_2, 12, channel="centralised_quarantine")
    r(HULI, 12)
    r(HULI, 13, hour=0)
    return province_epi


@pytest.fixture
def clock_at(monkeypatch):
    def set_to(when: datetime.datetime) -> None:
        monkeypatch.setattr(clock, "now", lambda: when)

    return set_to


@pytest.fixture
def reported(tree, province_epi, clock_at):
    """10 Sep: confirmed A (Xianyou), B (Huli), asymptomatic C (Xianyou); 11 Sep: confirmed D
    (the corrections' tests: voids and revised diagnoses)."""
    clock_at(at(11, 20))
    r = lambda *a, **k: report(province_epi, tree, *a, **k)  # noqa: E731
    cases = {
        "A": r(XIANYOU, 10),
        "B": r(HULI, 10),
        "C": r(XIANYOU_2, 10, classification="asymptomatic", channel="centralised_quarantine"),
        "D": r(XIANYOU, 11),
    }
    return cases
