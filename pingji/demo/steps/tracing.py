"""The replay's tracing: an investigation per case, exposures, close and secondary contacts,
check-ins at the venues the cases visited, transmission links and dispatches between counties.

It builds on the lines ``steps.cases`` reported (``replay.lines``: each case's person, cluster and
likely infector). Everything is written at its historical time, in bulk — the rows and domain
events the actions would leave (``tracing.opened``, ``tracing.core_done``, ``tracing.reported``,
``tracing.contact_added``…, with the same payloads), because ~500 investigations and thousands of
contacts through one action each would take minutes. The figures follow the protocol in force for
the case's county on its report day (8th edition: deadlines 4 h / 24 h, look-back 2 days before
onset or sampling), never constants.

Assumptions (the demo population is ``scale`` of the real one while the cases are the real count,
so contacts per case cannot be the published ones — Putian traced 3,143 close and 2,966 secondary
contacts for ~120 infections by 14 Sep): every household member of a case is a close contact, plus
about ``OTHERS_PER_CASE`` others from the case's school, workplace or venues; the household members
of close contacts are secondary contacts (at most ``SECONDARY_PER_CASE`` per case); about
``AWAY_SHARE`` of the other contacts live in another outbreak county and are dispatched there.
Investigations finish within their deadlines except about ``LATE_SHARE``.
"""

import datetime
from collections import Counter, defaultdict
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_noop

from pingji.cases.models import Case
from pingji.core.events import record_events, summary_fields
from pingji.core.messages import message
from pingji.core.models import DomainEvent
from pingji.core.rows import insert, update
from pingji.demo.replay import Replay
from pingji.demo.steps.cases import TZ, Line
from pingji.demo.steps.tracing_chains import (
    HOUR,
    _hours,
    dispatch_elsewhere,
    link_cases,
    make_clusters,
)
from pingji.geo.choices import PlaceKind
from pingji.geo.models import Place
from pingji.people.models import Person
from pingji.protocols import rules
from pingji.protocols.versions import protocol_for
from pingji.tracing.actions.contacts import contact_added_event
from pingji.tracing.actions.investigations import investigation_name
from pingji.tracing.choices import ContactSource, ContactTier, InvestigationStatus, Setting
from pingji.tracing.contracts import CONTACT_ADDED, CORE_DONE, OPENED, REPORTED
from pingji.tracing.models import Cluster, Contact, Dispatch, Exposure, Investigation, Link
from pingji.users.models import User

OTHERS_PER_CASE = 4
SECONDARY_PER_CASE = 8
AWAY_SHARE = 0.05
LATE_SHARE = 0.05


class Writer:
    """Rows and their domain events, collected and then written in bulk."""

    def __init__(self):
        self.events: list[DomainEvent] = []
        models = (Investigation, Dispatch, Link, Cluster)
        self.types = {m: ContentType.objects.get_for_model(m) for m in models}

    def event(self, kind, when, subject, summary, actor, code=None, **payload) -> None:
        self.events.append(self.build(kind, when, subject, summary, actor, code, **payload))

    def build(self, kind, when, subject, summary, actor, code=None, **payload) -> DomainEvent:
        """The event, not yet queued (a step after this one writes it)."""
        return DomainEvent(
            kind=kind,
            time=when,
            actor=actor,
            jurisdiction_code=code or subject.jurisdiction_id,
            content_type=self.types[type(subject)],
            object_id=str(subject.pk),
            **summary_fields(summary),
            payload=payload,
        )

    def flush(self) -> int:
        n = len(record_events(self.events))
        self.events.clear()
        return n


class People:
    """Residents by county, grid and household, and their ages, for drawing contacts."""

    def __init__(self, rng, counties):
        within = Q()
        for county in counties:
            within |= Q(jurisdiction__code__startswith=county)
        self.rng = rng
        self.by_household: dict[int, list[int]] = defaultdict(list)
        self.by_county: dict[str, list[int]] = defaultdict(list)
        self.info: dict[int, tuple] = {}
        rows = Person.objects.filter(within).order_by("id")
        for pid, birth, household, grid in rows.values_list(
            "id", "birth_date", "household_id", "jurisdiction_id"
        ):
            age = (datetime.date(2021, 9, 10) - birth).days // 365 if birth else 35
            self.info[pid] = (age, household, grid)
            self.by_county[grid[:6]].append(pid)
            if household:
                self.by_household[household].append(pid)

    def household(self, pid: int) -> list[int]:
        household = self.info.get(pid, (0, None, ""))[1]
        return [p for p in self.by_household.get(household, ()) if p != pid] if household else []

    def draw(self, county: str, k: int, ages=(0, 120), near: str = "") -> list[int]:
        pool = self.by_county.get(county, [])
        if not pool:
            return []
        picked: list[int] = []
        for _attempt in range(k * 6):
            pid = self.rng.choice(pool)
            age, _household, grid = self.info[pid]
            if ages[0] <= age <= ages[1] and grid.startswith(near) and pid not in picked:
                picked.append(pid)
            if len(picked) == k:
                break
        return picked


def _venues(counties) -> dict[str, list[int]]:
    within = Q()
    for county in counties:
        within |= Q(jurisdiction__code__startswith=county)
    out: dict[str, list[int]] = defaultdict(list)
    for pk, grid in (
        Place.objects.filter(within, kind=PlaceKind.VENUE)
        .order_by("id")
        .values_list("id", "jurisdiction_id")
    ):
        out[grid[:9]].append(pk)
        out[grid[:6]].append(pk)
    return out


class _Times(NamedTuple):
    """The times the replay gives an investigation (columns the model leaves optional)."""

    core_due: datetime.datetime
    report_due: datetime.datetime
    lookback_from: datetime.date
    core_done: datetime.datetime | None  # None: not yet done when the record stops
    report_done: datetime.datetime | None


def open_investigations(lines, cases, actors, writer, rng, happened) -> dict[int, Investigation]:
    """One investigation per case, under the protocol in force on its report day, finished
    unless its core facts or report fall after the record stops (``happened`` says)."""
    protocols: dict = {}
    made: list[tuple[Line, Investigation, _Times]] = []
    for line in lines:
        case = cases[line.case_id]
        key = (line.county, line.day)
        if key not in protocols:
            protocols[key] = protocol_for(case.jurisdiction_id, line.reported_at)
        protocol = protocols[key]
        deadlines = rules.investigation(protocol)
        core_hours, report_hours = deadlines.core_facts_hours, deadlines.full_report_hours
        if core_hours is None or report_hours is None:  # the province's protocols set both
            raise RuntimeError(f"{protocol} sets no investigation deadlines")
        window = rules.lookback(protocol, ContactTier.CLOSE_CONTACT)
        anchor = line.onset_date if not line.reclassified_on else None
        anchor = anchor or line.sampled_at.astimezone(TZ).date()
        opened = line.reported_at + datetime.timedelta(minutes=rng.randint(10, 40))
        late = rng.random() < LATE_SHARE
        times = _Times(
            core_due=line.reported_at + core_hours * HOUR,
            report_due=line.reported_at + report_hours * HOUR,
            lookback_from=anchor - datetime.timedelta(days=window.days_before),
            core_done=opened + _hours(rng, 1, core_hours - 0.8) + (2 * HOUR if late else 0 * HOUR),
            report_done=line.reported_at + _hours(rng, 10, report_hours - 1),
        )
        if not happened(times.report_done):
            times = times._replace(report_done=None)
        if not happened(times.core_done):
            times = times._replace(core_done=None)
        inv = Investigation(
            case=case,
            jurisdiction_id=case.jurisdiction_id,
            protocol=protocol,
            status=_status(times),
            opened_at=opened,
            opened_by=actors[line.county],
            core_due_at=times.core_due,
            report_due_at=times.report_due,
            deadline_clause=deadlines.clause[:300],
            lookback_from=times.lookback_from,
            lookback_clause=window.clause[:300],
            core_done_at=times.core_done,
            report_done_at=times.report_done,
        )
        inv.summary = f"{case.person.name}: {line.extra.get('story', '')}".strip(": ")
        made.append((line, inv, times))
    Investigation.objects.bulk_create([inv for _l, inv, _t in made], batch_size=500)
    for line, inv, times in made:
        actor = actors[line.county]
        writer.event(
            OPENED,
            inv.opened_at,
            inv,
            message(
                gettext_noop("%(inv)s opened under %(protocol)s"),
                {"inv": investigation_name(inv), "protocol": inv.protocol},
            ),
            actor,
            protocol=inv.protocol.code,
            core_due_at=times.core_due.isoformat(),
            report_due_at=times.report_due.isoformat(),
            lookback_from=times.lookback_from.isoformat(),
            clause=inv.deadline_clause,
        )
        if times.core_done is not None:
            writer.event(
                CORE_DONE,
                times.core_done,
                inv,
                message(
                    gettext_noop("%(inv)s: core facts recorded"), {"inv": investigation_name(inv)}
                ),
                actor,
                late=times.core_done > times.core_due,
            )
        if times.report_done is not None:
            writer.event(
                REPORTED,
                times.report_done,
                inv,
                message(gettext_noop("%(inv)s: report recorded"), {"inv": investigation_name(inv)}),
                actor,
                late=times.report_done > times.report_due,
            )
    return {line.n: inv for line, inv, _t in made}


def _status(times: "_Times") -> str:
    if times.report_done is not None:
        return InvestigationStatus.REPORTED
    return InvestigationStatus.OPEN if times.core_done is None else InvestigationStatus.CORE_DONE


def _clamp(at, inv: Investigation, latest) -> datetime.datetime:
    """``at`` kept inside the investigation's window: its lookback day to ``latest``."""
    if inv.lookback_from is None:  # every investigation the replay opens has its window
        raise ValueError(f"{inv} has no lookback window")
    earliest = datetime.datetime.combine(inv.lookback_from, datetime.time(8), TZ)
    return min(max(at, earliest), latest)


class Contacts:
    """Contacts of every investigation, once per (investigation, person), closest tier kept."""

    def __init__(self):
        self.rows: dict[tuple[int, int], Contact] = {}

    def add(self, inv, person_id, tier, setting, last, source, actor, note="") -> None:
        if person_id == inv.case.person_id:
            return
        key = (inv.pk, person_id)
        if key in self.rows:
            return
        self.rows[key] = Contact(
            investigation=inv,
            jurisdiction_id=inv.jurisdiction_id,
            person_id=person_id,
            tier=tier,
            setting=setting,
            last_exposure_at=last,
            source=source,
            accepted_by=actor,
            note=note,
        )


def trace(lines, invs, people, venues, actors, rng) -> tuple[Contacts, list, list]:
    """Exposures, close contacts (household, cluster, venues, infectees) and secondary ones."""
    contacts = Contacts()
    exposures: list[Exposure] = []
    checkins: list[tuple] = []
    by_n = {line.n: line for line in lines}
    counties = sorted(people.by_county)
    for line in lines:
        inv, actor = invs[line.n], actors[line.county]
        latest = line.reported_at - HOUR
        person = line.person_id
        for member in people.household(person):
            last = _clamp(line.sampled_at - _hours(rng, 0, 8), inv, latest)
            contacts.add(
                inv,
                member,
                ContactTier.CLOSE_CONTACT,
                Setting.HOUSEHOLD,
                last,
                ContactSource.HOUSEHOLD,
                actor,
            )
        day_before = _clamp(line.sampled_at - _hours(rng, 20, 30), inv, latest)
        if line.place_id:
            start = day_before.replace(hour=8, minute=0)
            exposures.append(_exposure(inv, line.place_id, start, start + 8.5 * HOUR, line))
            ages = (6, 12) if line.setting == Setting.SCHOOL else (18, 59)
            setting = Setting.SCHOOL if line.setting == Setting.SCHOOL else Setting.WORKPLACE
            for pid in people.draw(line.county, OTHERS_PER_CASE, ages):
                contacts.add(
                    inv,
                    pid,
                    ContactTier.CLOSE_CONTACT,
                    setting,
                    start + 8 * HOUR,
                    ContactSource.MANUAL,
                    actor,
                )
        township = people.info.get(person, (0, None, line.county))[2][:9]
        options = venues.get(township) or venues.get(line.county) or []
        for venue in rng.sample(options, min(len(options), rng.randint(1, 2))):
            start = _clamp(line.sampled_at - _hours(rng, 6, 40), inv, latest - 2 * HOUR)
            end = start + datetime.timedelta(minutes=rng.randint(30, 120))
            exposures.append(_exposure(inv, venue, start, end, line))
            checkins.append((person, venue, start, end))
            near = people.draw(line.county, rng.randint(1, OTHERS_PER_CASE), near=township)
            for pid in near:
                cin = start + datetime.timedelta(minutes=rng.randint(-20, 20))
                cout = end + datetime.timedelta(minutes=rng.randint(-20, 20))
                checkins.append((pid, venue, cin, cout))
                contacts.add(
                    inv,
                    pid,
                    ContactTier.CLOSE_CONTACT,
                    Setting.VENUE,
                    min(cout, end),
                    ContactSource.CHECKIN_SEARCH,
                    actor,
                    note="check-in overlap at the venue",
                )
        if rng.random() < AWAY_SHARE * 4:  # a colleague or fellow traveller in another county
            away = rng.choice([c for c in counties if c != line.county] or [line.county])
            for pid in people.draw(away, 1, (18, 70)):
                contacts.add(
                    inv,
                    pid,
                    ContactTier.CLOSE_CONTACT,
                    Setting.TRANSPORT,
                    day_before,
                    ContactSource.MANUAL,
                    actor,
                    note="travelled together",
                )
        if line.infector and line.infector in by_n:
            source = by_n[line.infector]
            src_inv = invs[source.n]
            last = _clamp(
                min(line.sampled_at, source.reported_at) - _hours(rng, 8, 48),
                src_inv,
                source.reported_at - HOUR,
            )
            contacts.add(
                src_inv,
                person,
                ContactTier.CLOSE_CONTACT,
                line.setting,
                last,
                ContactSource.MANUAL,
                actors[source.county],
            )
    secondary = 0
    by_inv: Counter = Counter()
    for (inv_pk, pid), contact in list(contacts.rows.items()):
        if contact.tier != ContactTier.CLOSE_CONTACT:
            continue
        inv = contact.investigation
        for member in people.household(pid):
            if by_inv[inv_pk] >= SECONDARY_PER_CASE or (inv_pk, member) in contacts.rows:
                continue
            last = min(
                contact.last_exposure_at + _hours(rng, 2, 12), inv.case.reported_at + 12 * HOUR
            )
            contacts.add(
                inv,
                member,
                ContactTier.SECONDARY_CONTACT,
                Setting.HOUSEHOLD,
                last,
                ContactSource.HOUSEHOLD,
                contact.accepted_by,
            )
            by_inv[inv_pk] += 1
            secondary += 1
    return contacts, exposures, checkins


def _exposure(inv, place_id, start, end, line: Line) -> Exposure:
    return Exposure(
        investigation=inv,
        jurisdiction_id=inv.jurisdiction_id,
        place_id=place_id,
        started_at=start,
        ended_at=end,
        note="",
    )


def write_checkins(checkins: list[tuple]) -> int:
    """The cases' and their co-visitors' stays, as the check-in importer stores them."""
    import pyarrow as pa

    from pingji.tracing import checkin_store

    hashes = dict(
        (pk, (idh or "", ph or ""))
        for pk, idh, ph in Person.objects.filter(pk__in={c[0] for c in checkins}).values_list(
            "id", "id_number_hash", "phone_hash"
        )
    )
    rows = [c for c in checkins if any(hashes.get(c[0], ("", "")))]

    def local(at):
        return at.astimezone(TZ).replace(tzinfo=None)

    table = pa.table(
        {
            "id_hash": pa.array([hashes[c[0]][0] or None for c in rows], pa.string()),
            "phone_hash": pa.array([hashes[c[0]][1] or None for c in rows], pa.string()),
            "venue": pa.array([str(c[1]) for c in rows], pa.string()),
            "check_in": pa.array([local(c[2]) for c in rows], pa.timestamp("us")),
            "check_out": pa.array([local(c[3]) for c in rows], pa.timestamp("us")),
        }
    )
    checkin_store.store(table)
    return len(rows)


def load(replay: Replay) -> dict:
    """Investigate every case of the replay; returns the tracing figures."""
    lines: list[Line] | None = getattr(replay, "lines", None)
    if not lines:
        raise RuntimeError("steps.tracing needs the lines of steps.cases (run it first).")
    rng = replay.rng("tracing")
    counties = sorted({line.county for line in lines})
    actors = {c: User.objects.get(username=f"{c}-epidemiologist") for c in counties}
    writer = Writer()
    with transaction.atomic():
        cases = Case.objects.select_related("person").in_bulk([x.case_id for x in lines])
        invs = open_investigations(lines, cases, actors, writer, rng, replay.happened)
        people = People(rng, counties)
        contacts, exposures, checkins = trace(lines, invs, people, _venues(counties), actors, rng)
        insert(Exposure, exposures)
        rows = Contact.objects.bulk_create(list(contacts.rows.values()), batch_size=1000)
        persons = Person.objects.in_bulk({c.person_id for c in rows})
        for contact in rows:  # auto_now_add stamped them now: they were added back then
            contact.created_at = max(contact.investigation.opened_at, contact.last_exposure_at)
        update(Contact, rows, ["created_at"])
        for contact in rows:
            inv = contact.investigation
            writer.event(
                CONTACT_ADDED,
                contact.created_at,
                inv,
                contact_added_event(contact, investigation_name(inv))[0],
                contact.accepted_by,
                contact=contact.pk,
                tier=contact.tier,
                setting=contact.setting,
                source=contact.source,
                last_exposure_at=contact.last_exposure_at.isoformat(),
            )
        clusters = make_clusters(lines, writer, actors)
        links = link_cases(lines, invs, rows, clusters, writer, actors)
        dispatches, replay.controlled_answers = dispatch_elsewhere(
            rows, persons, writer, rng, replay.happened
        )
        events = writer.flush()
    stored = write_checkins(checkins) if checkins else 0
    tiers = Counter(c.tier for c in rows)
    replay.investigations = {n: inv.pk for n, inv in invs.items()}
    return {
        "investigations": len(invs),
        "exposures": len(exposures),
        "close_contacts": tiers[ContactTier.CLOSE_CONTACT],
        "secondary_contacts": tiers[ContactTier.SECONDARY_CONTACT],
        "checkins": stored,
        "links": links,
        "clusters": len(clusters),
        "dispatches": dispatches,
        "events": events,
    }
