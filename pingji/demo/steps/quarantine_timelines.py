"""The replay's quarantine, written: what happens to each placement up to the replay's end.

Split from ``steps.quarantine`` (which plans the stays): the placement event and history, a
re-exposure's new dates, the tests, daily checks with their events, release, home monitoring and
its missed check-ins, and the end — the rows and ``quarantine.*`` events the actions would leave,
collected in memory by :class:`Out` and written in bulk.
"""

import datetime
from collections import Counter
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext_noop

from pingji.cases.actions.reports import case_name
from pingji.core.events import record_events, summary_fields
from pingji.core.messages import message
from pingji.core.models import DomainEvent
from pingji.core.rows import insert
from pingji.geo.models import Jurisdiction
from pingji.quarantine import schedule
from pingji.quarantine.actions.followup import MISSED_CHECK
from pingji.quarantine.actions.placement import placed_payload
from pingji.quarantine.choices import EntryKind, PlacementStatus, Setting, TestStatus
from pingji.quarantine.contracts import (
    CHECKED,
    COMPLETED,
    PLACED,
    POSITIVE,
    REGIME_CHANGED,
    RELEASED,
)
from pingji.quarantine.models import (
    HistoryEntry,
    MonitoringCheck,
    Placement,
    Release,
    ScheduledTest,
)
from pingji.tasks.choices import TaskKind, TaskStatus
from pingji.tasks.models import Task

MISS_SHARE = 0.02
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
        for placement, event in self.events:
            event.object_id = str(placement.pk)
        return len(record_events([event for _placement, event in self.events]))

    def event(self, kind, when, placement, summary, actor=None, **payload):
        self.events.append(
            (
                placement,
                DomainEvent(
                    kind=kind,
                    time=when,
                    actor=actor,
                    jurisdiction_code=placement.jurisdiction_id,
                    content_type=self.ct,
                    **summary_fields(summary),
                    payload=payload,
                ),
            )
        )


def write_extension(placement, at, before, after, later, history, out: Out) -> None:
    """Write a re-exposure's new plan as applying a regime writes it (``release.do_apply_protocol``:
    a history entry and a ``quarantine.regime_changed`` event with the dates before and after)."""
    (old_plan, old_category), (plan, category) = before, after

    def dates(p: schedule.Plan, tier: str) -> dict:
        return {
            "protocol": placement.protocol.code,
            "category": tier,
            "exposure_on": p.exposure_on.isoformat(),
            "planned_release_on": p.planned_release_on.isoformat(),
            "planned_end_on": p.planned_end_on.isoformat(),
        }

    old, new = dates(old_plan, old_category), dates(plan, category)
    reason = f"再次暴露（{later.get_tier_display()}），自末次暴露日{plan.exposure_on}起重新计算"
    history.append(
        HistoryEntry(
            placement=placement,
            kind=EntryKind.REGIME_CHANGED,
            at=at,
            actor=later.accepted_by,
            reason=reason,
            payload={"before": old, "after": new},
        )
    )
    out.event(
        REGIME_CHANGED,
        at,
        placement,
        message(
            gettext_noop("%(name)s: now under %(protocol)s, end %(end)s (was %(was)s)"),
            {
                "name": later.person.name,
                "protocol": placement.protocol,
                "end": plan.planned_end_on,
                "was": old_plan.planned_end_on,
            },
        ),
        later.accepted_by,
        before=old,
        after=new,
        reason=reason,
    )
    placement.category, placement.clause = category, plan.clause[:300]
    placement.exposure_on = plan.exposure_on
    placement.centralized_days = plan.centralized_days
    placement.home_quarantine_days = plan.home_quarantine_days
    placement.home_monitoring_days = plan.home_monitoring_days
    placement.release_test = plan.release_test
    placement.planned_release_on, placement.planned_end_on = (
        plan.planned_release_on,
        plan.planned_end_on,
    )


def write_timelines(placements, stays, out: Out, rng, tz, as_of) -> dict:
    """Tests, checks, release, home monitoring and the end of each placement, up to ``as_of``."""
    tests, checks, history, releases, tasks, alerts = [], [], [], [], [], []
    counts: Counter[str] = Counter()
    release_ct = ContentType.objects.get_for_model(Release)
    for placement, stay in zip(placements, stays, strict=True):
        protocol, plan, placed_at, case = stay.protocol, stay.plan, stay.placed_at, stay.case
        name = stay.contact.person.name
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
            PLACED,
            placed_at,
            placement,
            message(
                gettext_noop("%(name)s placed under %(protocol)s until %(end)s"),
                {"name": name, "protocol": protocol, "end": placement.planned_end_on},
            ),
            placement.placed_by,
            **placed_payload(placement),
        )
        for at, before, after, later in stay.changes:
            write_extension(placement, at, before, after, later, history, out)
        counts["extended"] += bool(stay.changes)
        my_tests = []
        for t in stay.tests:
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
                taken = MonitoringCheck(
                    placement=placement,
                    on=day,
                    day=(day - stay.exposure_on(day, tz)).days,
                    temperature=Decimal(str(round(rng.uniform(36.0, 36.9), 1))),
                    recorded_at=_at(day, rng.uniform(8, 11), tz),
                )
                checks.append(taken)
                out.event(
                    CHECKED,
                    taken.recorded_at,
                    placement,
                    message(
                        gettext_noop("%(name)s: check of %(day)s, %(t)s °C"),
                        {"name": name, "day": day, "t": taken.temperature},
                    ),
                    on=day.isoformat(),
                    temperature=str(taken.temperature),
                    symptoms=[],
                    abnormal=False,
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
                POSITIVE,
                case.reported_at,
                placement,
                message(
                    gettext_noop("%(name)s tested positive: %(case)s"),
                    {"name": name, "case": case_name(case)},
                ),
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
                RELEASED,
                released,
                placement,
                message(
                    gettext_noop("%(name)s released from %(site)s%(early)s"),
                    {"name": name, "site": placement.site, "early": ""},
                ),
                release=release,  # its id once written, below
                eligible=check.eligible,
                overridden=False,
                justification="",
                to=placement.home_id,
            )
            placement.setting, placement.site, placement.room = Setting.HOME, None, None
            placement.jurisdiction_id, placement.released_at = placement.home_id, released
            counts["released"] += 1
        ended = _at(plan.planned_end_on, 23.9, tz)
        if (
            placement.status == PlacementStatus.ACTIVE
            and plan.planned_end_on <= as_of
            and (released is not None or placement.centralized_days == 0)
        ):
            placement.status, placement.ended_at = PlacementStatus.COMPLETED, ended
            history.append(HistoryEntry(placement=placement, kind=EntryKind.COMPLETED, at=ended))
            out.event(
                COMPLETED,
                ended,
                placement,
                message(gettext_noop("%(name)s: monitoring completed"), {"name": name}),
            )
            counts["completed"] += 1
        pending = [t.due_on for t in my_tests if t.status == TestStatus.PENDING]
        placement.next_test_on = (
            min(pending) if pending and placement.status == PlacementStatus.ACTIVE else None
        )
    Placement.objects.bulk_create(placements, batch_size=1000)
    insert(ScheduledTest, tests)
    insert(MonitoringCheck, checks)
    insert(HistoryEntry, history)
    Release.objects.bulk_create(releases, batch_size=1000)
    for _placement, event in out.events:
        if isinstance(release := event.payload.get("release"), Release):
            event.payload["release"] = release.pk
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
    insert(Task, tasks)
    return {
        "released": counts["released"],
        "completed": counts["completed"],
        "positive_in_quarantine": counts["positive"],
        "extended_on_reexposure": counts["extended"],
        "tests": len(tests),
        "checks": len(checks),
        "missed_check_alerts": len(alerts),
    }
