"""The replay's quarantine: sites in the outbreak counties, a placement for every traced contact,
their tests and daily checks, releases and home health monitoring into early October.

It builds on ``steps.tracing``'s contacts (``tracing.models.Contact``, with the tier and last
exposure quarantine places them by). Each contact is placed a few hours after the investigation
added them, at a site of their home county, under the regime of the protocol in
force for their grid that day (8th edition: close contacts 14 days at a site + 7 at home, tests on
days 1, 4, 7 and 14 with double sampling at release; secondary contacts 7 days), counted from
their last exposure — the same ``schedule.plan`` the actions use. A contact who later became a
case found in quarantine (the case's channel) tests positive at the site on their case's sampling
day; one found in the community was never placed. A contact exposed again while still in
quarantine (the contact of a second case) is not placed twice: their placement is counted afresh
from the later exposure — new dates and the tests still to come, written as applying a regime
writes it (a ``regime_changed`` history entry and event). Everything up to the replay's end
(31 October) happens: results are negative, people are released on their planned day and
monitored at home by their grid, each day's health check with its ``quarantine.checked`` event,
and a few home check-ins (``quarantine_timelines.MISS_SHARE``) are missed and raise an alert the
community closes the next day. Rows and events are written in bulk (the rows and
``quarantine.*`` events the actions would leave; leaf rows through ``demo.rows``, by
``quarantine_timelines``): tens of thousands through one action each would take minutes.
"""

import datetime
import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from pingji.cases.choices import Channel
from pingji.cases.models import Case
from pingji.core.models import DomainEvent
from pingji.core.rows import insert
from pingji.demo.replay import Replay
from pingji.demo.steps.quarantine_timelines import Out, write_timelines
from pingji.geo.models import Jurisdiction
from pingji.protocols import rules
from pingji.protocols.models import Protocol
from pingji.protocols.versions import protocol_for
from pingji.quarantine import schedule
from pingji.quarantine.actions.placement import new_placement
from pingji.quarantine.choices import Setting, SiteKind
from pingji.quarantine.models import (
    Room,
    Site,
    SiteStaff,
)
from pingji.tracing.choices import TIER_RANK
from pingji.tracing.models import Contact, Dispatch
from pingji.users.models import User

#: One site per this many contacts of a county (hotels of 100–300 rooms were requisitioned).
CONTACTS_PER_SITE = 400
#: Rooms kept beyond the peak, as counties prepared ahead of need.
ROOM_MARGIN = 1.2
#: The channels of cases found while under quarantine (cases.choices): only these were at a site.
FOUND_IN_QUARANTINE = (Channel.CENTRALISED_QUARANTINE, Channel.HOME_QUARANTINE)
HOUR = datetime.timedelta(hours=1)
ROADS = ("城东", "城西", "城南", "工业园")


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


@dataclass
class Stay:
    """One person's placement as planned: from its contact, extended by later exposures."""

    contact: Contact
    protocol: Protocol
    plan: schedule.Plan
    placed_at: datetime.datetime
    case: Case | None
    tests: list[schedule.PlannedTest]
    category: str
    #: (time, plan and category before, after, the later contact) for each re-exposure.
    changes: list[tuple] = field(default_factory=list)

    def exposure_on(self, day: datetime.date, tz) -> datetime.date:
        """Day 0 of the placement as it stood on ``day`` (checks keep the day they were given)."""
        exposure = self.plan.exposure_on
        for at, (before, _category), _after, _contact in reversed(self.changes):
            if day < timezone.localtime(at, tz).date():
                exposure = before.exposure_on
        return exposure


def _reexpose(stay: Stay, contact, at: datetime.datetime, exposure_on, tz) -> None:
    """A person re-exposed while in quarantine: counted afresh from the later exposure.

    The 8th edition counts quarantine from the last exposure, so the planned days and the tests
    still to come follow the new day 0 under the regime of the placement's protocol (for the
    closer of the two tiers); tests already due stay as they were.
    """
    changed_on = timezone.localtime(at, tz).date()
    category = _closer(stay.contact.tier, contact.tier)
    regime = rules.regime(stay.protocol, category)
    placed_on = timezone.localtime(stay.placed_at, tz).date()
    new = schedule.plan(regime, exposure_on, placed_on)
    stay.changes.append((at, (stay.plan, stay.category), (new, category), contact))
    stay.tests = [t for t in stay.tests if t.due_on < changed_on] + [
        t for t in new.tests if t.due_on >= changed_on
    ]
    stay.plan, stay.category = new, category


def _closer(a: str, b: str) -> str:
    """The closer of two tiers (close before secondary before companion)."""
    rank = [str(t) for t in TIER_RANK]
    return a if rank.index(a) <= rank.index(b) else b


def plan_stays(contacts, cases, rng, tz, as_of) -> list[Stay]:
    """Who is placed, when and under which plan; a later exposure during quarantine extends it."""
    protocols: dict = {}
    stays: dict[int, Stay] = {}
    planned = []
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
        if not regime.applies:
            continue
        stay = stays.get(c.person_id)
        if stay is not None and stay.plan.planned_end_on >= placed_on:
            # already placed for an earlier exposure: a later one, while still in quarantine,
            # extends the placement; during home monitoring or for an older one nothing changes
            positive = stay.case is not None and stay.case.sampled_at <= placed_at
            if (
                exposure_on > stay.plan.exposure_on
                and placed_on <= stay.plan.planned_release_on
                and not positive
            ):
                _reexpose(stay, c, placed_at, exposure_on, tz)
            continue
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
        stays[c.person_id] = Stay(c, protocol, plan, placed_at, case, list(plan.tests), c.tier)
        planned.append(stays[c.person_id])
    return planned


def load(replay: Replay) -> dict:
    rng = replay.rng("quarantine")
    tz = timezone.get_default_timezone()
    as_of = replay.end
    contacts = list(
        Contact.objects.select_related("person", "accepted_by").order_by("created_at", "id")
    )
    if not contacts:
        return {"placements": 0}
    cases = defaultdict(list)
    for case in Case.objects.filter(person_id__in={c.person_id for c in contacts}):
        cases[case.person_id].append(case)
    out = Out()
    stays = plan_stays(contacts, cases, rng, tz, as_of)
    with transaction.atomic():
        rooms_by_county = make_sites(
            Counter(s.contact.person.jurisdiction_id[:6] for s in stays), rng
        )
        free = {
            code: [(datetime.date.min, i, r) for i, r in enumerate(rooms)]
            for code, rooms in rooms_by_county.items()
        }
        for heap in free.values():
            heapq.heapify(heap)
        placements, sites_of = [], {}
        for stay in stays:
            c, plan = stay.contact, stay.plan
            county = c.person.jurisdiction_id[:6]
            room = None
            if plan.setting == Setting.CENTRALISED:
                free_on, i, room = heapq.heappop(free[county])
                if free_on > timezone.localtime(stay.placed_at, tz).date():  # all taken: add one
                    heapq.heappush(free[county], (free_on, i, room))
                    site = room.site
                    room = Room.objects.create(site=site, number=f"9{len(free[county]):03d}")
                i = room.pk
                heapq.heappush(free[county], (plan.planned_release_on, i, room))
            first = stay.changes[0][1][0] if stay.changes else plan
            placement = new_placement(
                c.person,
                first,
                protocol=stay.protocol,
                category=c.tier,
                contact=c,
                room=room,
                placed_at=stay.placed_at,
                placed_by=c.accepted_by,
            )
            placements.append(placement)
            sites_of[c.person_id] = room.site_id if room else None
        figures = write_timelines(placements, stays, out, rng, tz, as_of)
        out.flush()
        answer_dispatches(getattr(replay, "controlled_answers", ()), sites_of)
    figures.update(
        sites=Site.objects.count(),
        rooms=Room.objects.count(),
        placements=len(placements),
        centralised=sum(p.centralized_days > 0 for p in placements),
    )
    return figures


def answer_dispatches(answers, sites_of: dict[int, int | None]) -> None:
    """Write the dispatches' "controlled" answers (held back by ``steps.tracing``) naming the site
    each person was taken to, as the answer does (decision 0026).

    In production the answer places the person (``quarantine.handlers``). Here this step has
    already written every placement, with its whole history up to the replay's end, so the
    answers are inserted as the facts they are, without that reaction (``core.rows.insert``, not
    ``record_events``, which would run it).
    """
    dispatches = Dispatch.objects.in_bulk([int(a.object_id) for a in answers])
    for answer in answers:
        person_id = dispatches[int(answer.object_id)].person_id
        site = sites_of.get(person_id) if person_id is not None else None
        answer.payload["control"] = {"site": site} if site else {}
    insert(DomainEvent, answers)
