"""The replay's quarantine: sites in the outbreak counties, a placement for every traced contact,
their tests and daily checks, releases and home health monitoring into early October.

It builds on ``tracing.demo``'s contacts (contract C2). Each contact is placed a few hours after
the investigation added them, at a site of their home county, under the regime of the protocol in
force for their grid that day (8th edition: close contacts 14 days at a site + 7 at home, tests on
days 1, 4, 7 and 14 with double sampling at release; secondary contacts 7 days), counted from
their last exposure — the same ``schedule.plan`` the actions use. A contact who later became a
case found in quarantine (the case's channel) tests positive at the site on their case's sampling
day; one found in the community was never placed. Everything up to the
replay's end (31 October) happens: results are negative, people are released on their planned day
and monitored at home by their grid, and about ``MISS_SHARE`` of the home check-ins are missed and
raise an alert the community closes the next day. Rows and events are written in bulk (the rows
and ``quarantine.*`` events the actions would leave): thousands of placements through one action
each would take minutes.
"""

import datetime
import heapq
from collections import Counter, defaultdict
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from pingji.cases.choices import Channel
from pingji.cases.models import Case
from pingji.core.events import record_events
from pingji.core.models import DomainEvent
from pingji.demo.replay import Replay
from pingji.geo.models import Jurisdiction
from pingji.protocols import rules
from pingji.protocols.versions import protocol_for
from pingji.tasks.choices import TaskKind, TaskStatus
from pingji.tasks.models import Task
from pingji.users.models import User

from . import schedule
from .actions import new_placement
from .choices import EntryKind, PlacementStatus, Setting, SiteKind, TestStatus
from .followup import MISSED_CHECK
from .models import (
    HistoryEntry,
    MonitoringCheck,
    Placement,
    Release,
    Room,
    ScheduledTest,
    Site,
    SiteStaff,
)

#: One site per this many contacts of a county (hotels of 100–300 rooms were requisitioned).
CONTACTS_PER_SITE = 400
#: Rooms kept beyond the peak, as counties prepared ahead of need.
ROOM_MARGIN = 1.2
MISS_SHARE = 0.02
#: The channels of cases found while under quarantine (cases.choices): only these were at a site.
FOUND_IN_QUARANTINE = (Channel.CENTRALISED_QUARANTINE, Channel.HOME_QUARANTINE)
HOUR = datetime.timedelta(hours=1)
ROADS = ("城东", "城西", "城南", "工业园")
DAY = datetime.timedelta(days=1)


def _at(day: datetime.date, hour: float, tz) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time()).replace(tzinfo=tz) + datetime.timedelta(
        hours=hour
    )


class Out:
    """Rows and events collected in memory, then written in bulk."""

    def __init__(self):
        self.events: list[tuple[Placement, DomainEvent]] = []
        self.ct = ContentType.objects.get_for_model(Placement)

    def flush(self) -> int:
        """Write the events once the placements have their ids."""
        rows = []
        for placement, event in self.events:
            event.object_id = str(placement.pk)
            rows.append(event)
        record_events(sorted(rows, key=lambda e: e.time))
        return len(rows)

    def event(self, kind, when, placement, summary, actor=None, **payload):
        self.events.append(
            (
                placement,
                DomainEvent(
                    kind=f"quarantine.{kind}",
                    time=when,
                    actor=actor,
                    jurisdiction_code=placement.jurisdiction_id,
                    content_type=self.ct,
                    summary=summary[:300],
                    payload=payload,
                ),
            )
        )


def make_sites(counts: Counter, rng) -> dict[str, list[Room]]:
    """Sites and rooms per county, sized to the county's contacts; a site manager at the first."""
    counties = Jurisdiction.objects.in_bulk(list(counts))
    rooms: dict[str, list[Room]] = {}
    for code in sorted(counts):
        county = counties[code]
        n_sites = 1 + counts[code] // CONTACTS_PER_SITE
        per_site = max(5, int(counts[code] * ROOM_MARGIN / n_sites) + 1)
        sites = Site.objects.bulk_create(
            Site(
                name=f"{county.name}集中隔离点{i + 1}号",
                kind=SiteKind.HOTEL if i % 3 else SiteKind.PURPOSE_BUILT,
                jurisdiction=county,
                address=f"{county.name}{rng.choice(ROADS)}路{rng.randint(1, 300)}号",
                phone=f"0594-{rng.randint(2000000, 8999999)}",
            )
            for i in range(n_sites)
        )
        rooms[code] = Room.objects.bulk_create(
            Room(site=site, number=f"{floor}{n:02d}")
            for site in sites
            for floor, n in ((2 + k // 30, k % 30 + 1) for k in range(per_site))
        )
        manager = User.objects.filter(username=f"{county.gb_code}-site-manager").first()
        if manager is not None:
            SiteStaff.objects.create(site=sites[0], user=manager)
    return rooms


def load(replay: Replay) -> dict:
    from pingji.tracing.models import Contact

    rng = replay.rng("quarantine")
    tz = timezone.get_default_timezone()
    as_of = replay.end
    contacts = list(Contact.objects.select_related("person").order_by("created_at", "id"))
    if not contacts:
        return {"placements": 0}
    cases = defaultdict(list)
    for case in Case.objects.filter(person_id__in={c.person_id for c in contacts}):
        cases[case.person_id].append(case)
    out = Out()
    protocols: dict = {}
    busy_until: dict[int, datetime.date] = {}
    plans = []
    for c in contacts:
        grid = c.person.jurisdiction_id
        placed_at = max(c.created_at, c.last_exposure_at) + datetime.timedelta(
            hours=rng.uniform(1, 6)
        )
        placed_on = timezone.localtime(placed_at, tz).date()
        exposure_on = timezone.localtime(c.last_exposure_at, tz).date()
        key = (grid[:6], placed_on)
        if key not in protocols:
            protocols[key] = protocol_for(grid, placed_on)
        protocol = protocols[key]
        regime = rules.regime(protocol, c.tier)
        if not regime.applies or busy_until.get(c.person_id, datetime.date.min) >= placed_on:
            continue  # no regime for the tier, or already placed for an earlier exposure
        plan = schedule.plan(regime, exposure_on, placed_on)
        case = next((k for k in sorted(cases[c.person_id], key=lambda k: k.reported_at)), None)
        if case is not None:
            if case.channel not in FOUND_IN_QUARANTINE or case.sampled_at is None:
                continue  # found in the community: never got to a site
            if case.sampled_at <= placed_at:  # the bulletin says found at the site: placed before
                placed_at = max(c.last_exposure_at, case.sampled_at - 6 * HOUR)
                placed_on = timezone.localtime(placed_at, tz).date()
                plan = schedule.plan(regime, exposure_on, placed_on)
        if plan.planned_end_on < placed_on or placed_on > as_of:
            continue
        busy_until[c.person_id] = plan.planned_end_on
        plans.append((c, protocol, plan, placed_at, case))

    with transaction.atomic():
        rooms_by_county = make_sites(Counter(c.person.jurisdiction_id[:6] for c, *_ in plans), rng)
        free = {
            code: [(datetime.date.min, i, r) for i, r in enumerate(rooms)]
            for code, rooms in rooms_by_county.items()
        }
        for heap in free.values():
            heapq.heapify(heap)
        placements = []
        for c, protocol, plan, placed_at, _case in plans:
            county = c.person.jurisdiction_id[:6]
            centralised = plan.setting == Setting.CENTRALISED
            room = None
            if centralised:
                free_on, i, room = heapq.heappop(free[county])
                if free_on > timezone.localtime(placed_at, tz).date():  # all taken: add a room
                    heapq.heappush(free[county], (free_on, i, room))
                    site = room.site
                    room = Room.objects.create(site=site, number=f"9{len(free[county]):03d}")
                i = room.pk
                heapq.heappush(free[county], (plan.planned_release_on, i, room))
            placements.append(
                new_placement(
                    c.person,
                    plan,
                    protocol=protocol,
                    category=c.tier,
                    contact=c,
                    room=room,
                    placed_at=placed_at,
                    placed_by=c.accepted_by,
                )
            )
        figures = write_timelines(placements, plans, out, rng, tz, as_of)
        out.flush()
    figures.update(
        sites=Site.objects.count(),
        rooms=Room.objects.count(),
        placements=len(placements),
        centralised=sum(p.centralized_days > 0 for p in placements),
    )
    return figures


def write_timelines(placements, plans, out: Out, rng, tz, as_of) -> dict:
    """Tests, checks, release, home monitoring and the end of each placement, up to ``as_of``."""
    tests, checks, history, releases, tasks, alerts = [], [], [], [], [], []
    counts = Counter()
    release_ct = ContentType.objects.get_for_model(Release)
    for placement, (contact, protocol, plan, placed_at, case) in zip(
        placements, plans, strict=True
    ):
        name = contact.person.name
        positive_on = None
        if case is not None and case.sampled_at and case.sampled_at >= placed_at:
            positive_on = timezone.localtime(case.sampled_at, tz).date()
            if positive_on > plan.planned_end_on:
                positive_on, case = None, None
        else:
            case = None
        history.append(
            HistoryEntry(
                placement=placement,
                kind=EntryKind.PLACED,
                at=placed_at,
                actor=placement.placed_by,
                to_site=placement.site,
                to_jurisdiction=placement.jurisdiction_id,
            )
        )
        out.event(
            "placed",
            placed_at,
            placement,
            f"{name} placed under {protocol} until {plan.planned_end_on}",
            placement.placed_by,
            category=placement.category,
            setting=placement.setting,
            protocol=protocol.code,
            planned_end_on=plan.planned_end_on.isoformat(),
        )
        my_tests = []
        for t in plan.tests:
            row = ScheduledTest(
                placement=placement,
                day=t.day,
                home_day=t.home_day,
                setting=t.setting,
                due_on=t.due_on,
                double_sampling=t.double_sampling,
            )
            if positive_on is not None and t.due_on >= positive_on:
                row.status = TestStatus.CANCELLED
            elif t.due_on <= as_of:
                row.sampled_at = _at(t.due_on, rng.uniform(7, 11), tz)
                row.recorded_at = row.sampled_at + datetime.timedelta(hours=rng.uniform(6, 14))
                row.status = TestStatus.NEGATIVE
            my_tests.append(row)
        if positive_on is not None:
            day = placement.day_of(positive_on)
            my_tests.append(
                ScheduledTest(
                    placement=placement,
                    day=day,
                    setting=placement.setting,
                    due_on=positive_on,
                    scheduled=False,
                    status=TestStatus.POSITIVE,
                    sampled_at=case.sampled_at,
                    recorded_at=case.reported_at,
                )
            )
        tests += my_tests
        last_day = min(as_of, plan.planned_end_on, positive_on or as_of)
        released = None
        if (
            placement.setting == Setting.CENTRALISED
            and positive_on is None
            and plan.planned_release_on <= as_of
        ):
            released = _at(plan.planned_release_on, rng.uniform(10, 17), tz)
        day = timezone.localtime(placed_at, tz).date()
        last_check = None
        while day <= last_day:
            at_home = released is not None and day > plan.planned_release_on
            if at_home and rng.random() < MISS_SHARE and day < last_day:
                alerts.append((placement, day, name))
            else:
                checks.append(
                    MonitoringCheck(
                        placement=placement,
                        on=day,
                        day=placement.day_of(day),
                        temperature=Decimal(str(round(rng.uniform(36.0, 36.9), 1))),
                        recorded_at=_at(day, rng.uniform(8, 11), tz),
                    )
                )
                last_check = day
            day += DAY
        placement.last_check_on = last_check
        if positive_on is not None:
            placement.status, placement.case, placement.ended_at = (
                PlacementStatus.POSITIVE,
                case,
                case.reported_at,
            )
            history.append(
                HistoryEntry(
                    placement=placement,
                    kind=EntryKind.POSITIVE,
                    at=case.reported_at,
                    payload={"case": case.pk},
                )
            )
            out.event(
                "positive",
                case.reported_at,
                placement,
                f"{name} tested positive: {case}",
                case=case.pk,
                channel=case.channel,
            )
            counts["positive"] += 1
        if released is not None:
            check = schedule.eligibility(placement, plan.planned_release_on, tests=my_tests)
            release = Release(
                placement=placement,
                site=placement.site,
                jurisdiction_id=placement.jurisdiction_id,
                decided_at=released,
                approved_by=None,
                eligible=check.eligible,
                reasons=[r.as_json() for r in check.reasons],
                to_jurisdiction_id=placement.home_id,
            )
            releases.append(release)
            history.append(
                HistoryEntry(
                    placement=placement,
                    kind=EntryKind.RELEASED,
                    at=released,
                    from_site=placement.site,
                    from_jurisdiction=placement.jurisdiction_id,
                    to_jurisdiction=placement.home_id,
                )
            )
            out.event(
                "released",
                released,
                placement,
                f"{name} released from {placement.site}",
                to=placement.home_id,
                eligible=check.eligible,
            )
            placement.setting, placement.site, placement.room = Setting.HOME, None, None
            placement.jurisdiction_id, placement.released_at = placement.home_id, released
            counts["released"] += 1
        if (
            placement.status == PlacementStatus.ACTIVE
            and plan.planned_end_on < as_of
            and (released is not None or placement.centralized_days == 0)
        ):
            ended = _at(plan.planned_end_on, 23.9, tz)
            placement.status, placement.ended_at = PlacementStatus.COMPLETED, ended
            history.append(HistoryEntry(placement=placement, kind=EntryKind.COMPLETED, at=ended))
            out.event("completed", ended, placement, f"{name}: monitoring completed")
            counts["completed"] += 1
        pending = [t.due_on for t in my_tests if t.status == TestStatus.PENDING]
        placement.next_test_on = (
            min(pending) if pending and placement.status == PlacementStatus.ACTIVE else None
        )
    Placement.objects.bulk_create(placements, batch_size=1000)
    ScheduledTest.objects.bulk_create(tests, batch_size=2000)
    MonitoringCheck.objects.bulk_create(checks, batch_size=2000)
    HistoryEntry.objects.bulk_create(history, batch_size=2000)
    Release.objects.bulk_create(releases, batch_size=1000)
    for release in releases:
        p = release.placement
        done = p.status == PlacementStatus.COMPLETED
        tasks.append(
            Task(
                kind=TaskKind.HOME_MONITORING,
                jurisdiction_id=p.home_id,
                title=f"Home health monitoring of {p.person.name} until {p.planned_end_on}"[:200],
                deadline=_at(p.planned_end_on, 23.9, tz),
                source_type=release_ct,
                source_id=str(release.pk),
                created_at=release.decided_at,
                status=TaskStatus.DONE if done else TaskStatus.OPEN,
                verified_at=p.ended_at if done else None,
                verification_note="Monitoring completed." if done else "",
            )
        )
    placement_ct = ContentType.objects.get_for_model(Placement)
    communities = set(
        Jurisdiction.objects.filter(code__in={p.home_id[:12] for p, *_ in alerts}).values_list(
            "code", flat=True
        )
    )
    for p, day, name in alerts:
        owner = p.home_id[:12] if p.home_id[:12] in communities else p.home_id
        tasks.append(
            Task(
                kind=MISSED_CHECK,
                jurisdiction_id=owner,
                title=f"{name}: no check-in on {day}",
                deadline=_at(day + DAY, 23.9, tz),
                source_type=placement_ct,
                source_id=str(p.pk),
                created_at=_at(day + DAY, 0.2, tz),
                status=TaskStatus.DONE,
                verified_at=_at(day + DAY, 10, tz),
                verification_note="Check-in recorded.",
            )
        )
    Task.objects.bulk_create(tasks, batch_size=1000)
    return {
        "released": counts["released"],
        "completed": counts["completed"],
        "positive_in_quarantine": counts["positive"],
        "tests": len(tests),
        "checks": len(checks),
        "missed_check_alerts": len(alerts),
    }
