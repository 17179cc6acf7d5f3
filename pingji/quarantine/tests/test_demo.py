"""The replay's quarantine, on the outbreak's cases and contacts (cases and tracing run first)."""

import datetime

import pytest

from pingji.cases import demo as cases_demo
from pingji.cases.tests.outbreak import outbreak_province
from pingji.core.models import DomainEvent
from pingji.quarantine import demo
from pingji.quarantine.evidence import unreleased_contacts
from pingji.quarantine.models import Placement, Release, ScheduledTest, Site
from pingji.tracing import demo as tracing_demo
from pingji.tracing.models import Contact


@pytest.fixture
def replay(db, settings, tmp_path):
    settings.ANALYTIC_DIR = tmp_path / "analytic"
    replay = outbreak_province()
    cases_demo.load(replay)
    tracing_demo.load(replay)
    return replay


def test_contacts_are_placed_released_and_monitored_into_october(replay):
    figures = demo.load(replay)
    placements = Placement.objects.all()
    assert figures["placements"] == placements.count() > 0
    assert Site.objects.filter(jurisdiction_id="350322").exists()  # Xianyou
    assert Site.objects.filter(jurisdiction__code__startswith="3502").exists()  # Xiamen
    # every placement counts from its contact's last exposure under the 8th edition
    for p in placements.select_related("contact", "protocol")[:200]:
        assert p.protocol.code == "cn-8th-edition"
        assert (
            p.exposure_on
            == p.contact.last_exposure_at.astimezone(demo.timezone.get_default_timezone()).date()
        )
        if p.category == "close_contact":
            assert (p.planned_release_on - p.exposure_on).days == 14
            assert (p.planned_end_on - p.planned_release_on).days == 7
    # releases with their eligibility, home monitoring ending in early October
    released = Release.objects.count()
    assert released == figures["released"] > 0
    assert Release.objects.filter(eligible=True).count() == released
    ends = placements.filter(status="completed").values_list("planned_end_on", flat=True)
    assert any(datetime.date(2021, 10, 1) <= d <= datetime.date(2021, 10, 15) for d in ends)
    # infectees placed as contacts test positive in quarantine, linked to their case
    assert figures["positive_in_quarantine"] == placements.filter(status="positive").count() > 0
    assert not placements.filter(status="positive", case__isnull=True).exists()
    # nobody twice at once, everything in 2021, tests negative except the positives
    assert (
        ScheduledTest.objects.filter(status="positive").count() == figures["positive_in_quarantine"]
    )
    events = DomainEvent.objects.filter(kind__startswith="quarantine.")
    assert events.exists() and not events.filter(time__year__gt=2021).exists()
    # contract C4 on the replay: by the end of October no released contact is counted unreleased
    ids = list(Contact.objects.filter(tier="close_contact").values_list("id", flat=True)[:300])
    left = unreleased_contacts(ids, datetime.date(2021, 10, 31))
    done = set(
        placements.filter(status="completed", contact_id__in=ids).values_list(
            "contact_id", flat=True
        )
    )
    assert not (done & left)
