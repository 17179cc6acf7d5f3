"""The outbreak replay: cases as the bulletins count them, then their investigations and contacts.

One test, as preparing the four cities and replaying 471 cases is the slow part of these suites.
"""

from collections import Counter

import duckdb
import pytest

from pingji.cases.models import Case
from pingji.core import lake
from pingji.core.models import DomainEvent
from pingji.demo.steps import cases as demo
from pingji.demo.steps import tracing as tracing_demo
from pingji.demo.tests.outbreak import outbreak_province
from pingji.epi import serial as epi_serial
from pingji.tracing import chains
from pingji.tracing.choices import ContactTier
from pingji.tracing.models import Cluster, Contact, Dispatch, Exposure, Investigation, Link


@pytest.fixture
def replay(db, settings, tmp_path):
    settings.ANALYTIC_DIR = tmp_path / "analytic"
    return outbreak_province()


def test_the_outbreak_replays_as_the_bulletins_count_it(replay):
    summary = demo.load(replay)
    assert summary["confirmed"] == 468 and summary["asymptomatic"] == 43
    assert summary["reclassified"] == 40 and summary["cases"] == 471
    # the events sum to the bulletin figures, per city and reporting day
    events = DomainEvent.objects.filter(kind__in=["cases.reported", "cases.reclassified"])
    confirmed: Counter = Counter()
    asymptomatic: Counter = Counter()
    infections = 0
    for e in events:
        day = e.time.astimezone(demo.TZ).date()
        confirmed[(day, e.jurisdiction_code[:4])] += e.payload["new_confirmed"]
        asymptomatic[(day, e.jurisdiction_code[:4])] += e.payload["new_asymptomatic"]
        infections += e.payload["new_infection"]
    assert infections == 471
    for d in replay.city_days():
        if d.day >= demo.OUTBREAK_DAY:
            assert confirmed[(d.day, d.city_code)] == d.new_confirmed, d
            assert asymptomatic[(d.day, d.city_code)] == d.new_asymptomatic, d
    # in the real counties, mostly Xianyou and Tong'an
    counties = Counter(Case.objects.values_list("jurisdiction_id", flat=True))
    by_county = Counter()
    for grid, n in counties.items():
        by_county[grid[:6]] += n
    assert by_county["350322"] > 0.85 * sum(n for c, n in by_county.items() if c[:4] == "3503")
    assert by_county["350212"] > 0.7 * sum(n for c, n in by_county.items() if c[:4] == "3502")
    assert by_county["350524"] == 3  # Anxi's family cluster
    # three asymptomatic infections were never reclassified, all in Putian
    still = Case.objects.filter(classification="asymptomatic")
    assert still.count() == 3 and {c.jurisdiction_id[:4] for c in still} == {"3503"}
    # later cases are mostly found inside control
    late = [c for c in Case.objects.filter(reported_at__date__gte="2021-09-17")]
    assert sum(c.found_inside_control for c in late) > 0.6 * len(late)
    # one person, one case
    assert Case.objects.values("person").distinct().count() == 471

    # when tracing replays on those cases
    figures = tracing_demo.load(replay)
    # then every case has one finished investigation under the 8th edition, opened at its time
    assert Investigation.objects.count() == 471 == figures["investigations"]
    inv = Investigation.objects.select_related("case", "protocol").order_by("id").first()
    assert inv.opened_at > inv.case.reported_at and inv.report_done_at is not None
    assert inv.lookback_from <= (inv.case.onset_date or inv.case.sampled_at.date())
    assert DomainEvent.objects.filter(kind="tracing.opened").count() == 471
    replayed = DomainEvent.objects.filter(kind__regex=r"^(cases|tracing)\.")
    assert not replayed.filter(time__year__gt=2021).exists()
    # close contacts (households included) and secondary ones, none before the look-back
    close = Contact.objects.filter(tier=ContactTier.CLOSE_CONTACT)
    assert close.count() > 471 and Contact.objects.filter(tier="secondary_contact").exists()
    for c in Contact.objects.select_related("investigation")[:300]:
        assert c.last_exposure_at.date() >= c.investigation.lookback_from
        assert c.person_id != c.investigation.case.person_id
    added = DomainEvent.objects.filter(kind="tracing.contact_added")
    assert added.count() == Contact.objects.count()
    # an infectee is a close contact of their infector's investigation
    linked = [x for x in replay.lines if x.infector]
    by_n = {x.n: x for x in replay.lines}
    assert linked
    for line in linked[:50]:
        source = by_n[line.infector]
        assert close.filter(
            investigation__case_id=source.case_id, person_id=line.person_id
        ).exists()
    # exposures at places, and the venue stays in the analytic store
    assert Exposure.objects.filter(place__isnull=False).count() == figures["exposures"] > 0
    con = duckdb.connect()
    lake.scan(con, "checkins", lake.files("checkins"), "c")
    assert con.execute("select count(*) from c").fetchone()[0] == figures["checkins"] > 0
    # links with evidence, the named chains, and a serial interval from the linked pairs
    assert Link.objects.count() == figures["links"] == len(linked)
    school = Cluster.objects.get(name__contains="铺头小学")
    assert school.jurisdiction_id == "350322" and school.links.count() >= 5
    pairs = chains.transmission_pairs("35")
    fitted = epi_serial.fit([p.onset_days for p in pairs if p.onset_days is not None])
    assert fitted.n > 50 and 0 < fitted.mean < 8 and fitted.sd > 0
    # each link was known when its infectee's investigation reported it, in the replay's time
    for link in Link.objects.select_related("infectee__investigation")[:50]:
        assert link.recorded_at == link.infectee.investigation.report_done_at
        assert link.recorded_at > link.infectee.reported_at
    generations = chains.generations([(p.infector_case_id, p.infectee_case_id) for p in pairs])
    assert max(generations.values()) >= 3
    # dispatches between counties, answered within the protocol's 24 hours mostly
    dispatches = Dispatch.objects.all()
    assert dispatches.count() == figures["dispatches"] > 0
    assert all(d.jurisdiction_id != d.sender_id[:6] for d in dispatches)
    controlled = dispatches.filter(status="controlled")
    assert controlled.count() > 0.7 * dispatches.count()
    assert not dispatches.filter(due_at__isnull=True).exists()
