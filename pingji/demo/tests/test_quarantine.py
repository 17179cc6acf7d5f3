"""The replay's quarantine, on the outbreak's cases and contacts (cases and tracing run first)."""

import dataclasses
import datetime

import pytest

from pingji.core.models import DomainEvent
from pingji.demo.steps import cases as cases_demo
from pingji.demo.steps import quarantine as demo
from pingji.demo.steps import tracing as tracing_demo
from pingji.demo.tests.outbreak import outbreak_province
from pingji.quarantine.evidence import unreleased_contacts
from pingji.quarantine.models import (
    HistoryEntry,
    MonitoringCheck,
    Placement,
    Release,
    ScheduledTest,
    Site,
)
from pingji.tracing.models import Contact, Dispatch


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
    # the dispatches' "controlled" answers are written as the facts they are; their reaction, a
    # placement, is not run again (the count above would show a second placement)
    controlled = Dispatch.objects.filter(status="controlled").count()
    assert DomainEvent.objects.filter(kind="tracing.dispatch_controlled").count() == controlled > 0
    assert Site.objects.filter(jurisdiction_id="350322").exists()  # Xianyou
    assert Site.objects.filter(jurisdiction__code__startswith="3502").exists()  # Xiamen
    # every placement counts from its contact's last exposure under the 8th edition, or from a
    # later exposure of the same person while in quarantine, recorded as a regime change
    tz = demo.timezone.get_default_timezone()
    extended = set(
        HistoryEntry.objects.filter(kind="regime_changed").values_list("placement_id", flat=True)
    )
    assert len(extended) == figures["extended_on_reexposure"] > 0
    for p in placements.select_related("contact", "protocol")[:200]:
        assert p.protocol.code == "cn-8th-edition"
        first = p.contact.last_exposure_at.astimezone(tz).date()
        if p.pk not in extended:
            assert p.exposure_on == first
            continue
        change = HistoryEntry.objects.filter(placement=p, kind="regime_changed").last()
        assert p.exposure_on == datetime.date.fromisoformat(change.payload["after"]["exposure_on"])
        assert p.exposure_on > first
        later = Contact.objects.filter(person_id=p.person_id, last_exposure_at__date=p.exposure_on)
        assert later.exists()
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
    # every daily check has its event, which the dashboard counts
    checks = MonitoringCheck.objects.count()
    assert checks == figures["checks"] == events.filter(kind="quarantine.checked").count() > 0
    assert events.filter(kind="quarantine.regime_changed").count() >= len(extended)
    # unreleased_contacts on the replay: at the end of October it counts no released contact
    ids = list(Contact.objects.filter(tier="close_contact").values_list("id", flat=True)[:300])
    left = unreleased_contacts(ids, datetime.date(2021, 10, 31))
    done = set(
        placements.filter(status="completed", contact_id__in=ids).values_list(
            "contact_id", flat=True
        )
    )
    assert not (done & left)
    # and a contact re-exposed while in quarantine is released with the extended stay
    later = [
        c.pk
        for p in placements.filter(pk__in=extended, status="completed")
        for c in Contact.objects.filter(person_id=p.person_id).exclude(pk=p.contact_id)
        if c.last_exposure_at.astimezone(tz).date() <= p.exposure_on
    ]
    assert later and not set(later) & unreleased_contacts(later, datetime.date(2021, 10, 31))


def test_the_demo_offers_a_self_report_link_of_someone_at_home(replay, client):
    """``pingji demo --now 2021-09-28T10:00`` prints a link of a person at home that opens."""
    from pingji.core import clock
    from pingji.demo.accounts import self_report_example

    now = demo.timezone.make_aware(datetime.datetime(2021, 9, 28, 10))
    demo.load(dataclasses.replace(replay, end=datetime.date(2021, 9, 27), until=now))
    with clock.pinned(now):
        link = self_report_example()
        assert link.startswith("/quarantine/r/")
        assert self_report_example() == link  # a second run prints the same link
        assert client.get(link).status_code == 200
