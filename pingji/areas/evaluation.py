"""The daily evaluation of lifting criteria for every area in force (docs/decisions/0015).

For each area and day the rule comes from the protocol in force for the area's jurisdiction on that
day (``protocols.rules.lifting``), and the data from three domains:

- **days without a new infection**: infections (confirmed or asymptomatic) of residents of the
  extent, dated by their report day (the day the infection was found and counted in the bulletin);
  without any, days count from the area's designation. The 9th edition's "3 more days" for a
  medium area that was high counts from the step-down;
- **contacts**: the close contacts of those infections (tracing) must be past the protocol's days
  since last exposure, and none may remain under quarantine or be released without the negative
  tests required (``quarantine.evidence.unreleased_contacts``);
- **all-resident screening** in the required window (``testing.evidence.resident_screens``): within
  the hours before lifting (8th edition: 48 h), or on the given day of the no-infection period (9th
  edition: day 7).

A lowest-level area (防范区, low risk) is lifted when no stricter area of its county is in force.

Every read is set-based: the extents of all areas in two queries, the infections and contacts of
their jurisdictions in one query each, one call of ``unreleased_contacts`` for every contact, and
one call of ``resident_screens`` for the screens of the areas whose dates already allow lifting.
Results are stored per area per day; an area eligible for longer than the grace period is **held
past eligibility** and the level above it gets a work item (防止层层加码).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, Q
from django.utils.translation import get_language, gettext

from pingji.cases.choices import INFECTIONS
from pingji.cases.models import Case
from pingji.protocols import rules
from pingji.protocols.models import COVID_19, Protocol
from pingji.protocols.versions import NoProtocolInForce, protocol_for
from pingji.quarantine.evidence import unreleased_contacts
from pingji.testing.evidence import Ask, resident_screens
from pingji.tracing.models import Contact

from .actions.evaluations import store_findings
from .choices import AreaStatus, Verdict
from .extent import day_end, day_start, index_extents, local_date, minimal_codes
from .findings import Finding
from .models import Evaluation, RiskArea

DAY = datetime.timedelta(days=1)


@lru_cache(maxsize=512)
def _translated(message: str, language: str | None) -> str:
    return gettext(message)


def _(message: str) -> str:
    """gettext, remembered per language: ten thousand areas repeat the same few reasons."""
    return _translated(message, get_language())


def _evidence_functions():
    """What testing and quarantine offer the evaluation: ``resident_screens`` (every screen of the
    day in one call) and ``unreleased_contacts``; the seam tests replace."""
    return resident_screens, unreleased_contacts


class _Screens:
    """The all-resident screens the day's findings wait on, asked of testing in one call at the end:
    ten thousand areas asked one by one cost half a second each (decision 0015)."""

    def __init__(self, answer):
        self.answer, self.waiting = answer, []

    def ask(self, finding: Finding, ask: Ask) -> None:
        self.waiting.append((finding, ask))

    def settle(self, day: datetime.date) -> None:
        screens = self.answer([ask for _f, ask in self.waiting]) if self.waiting else []
        for (finding, ask), screen in zip(self.waiting, screens, strict=True):
            _judge_screen(finding, ask, screen, day)


class _Protocols:
    """The protocol in force per jurisdiction on the day, read once per jurisdiction."""

    def __init__(self, day: datetime.date):
        self.day = day
        self.found: dict[str, Protocol | None] = {}

    def __call__(self, code: str) -> Protocol | None:
        if code not in self.found:
            try:
                self.found[code] = protocol_for(code, self.day)
            except NoProtocolInForce:
                self.found[code] = None
        return self.found[code]


def _infections(codes: list[str], end: datetime.datetime):
    """COVID-19 infections reported before ``end`` below ``codes``: (id, grid, place, compound,
    day). Risk areas are COVID-19's workflow (decision 0041): another disease's case does not
    hold an area."""
    if not codes:
        return []
    within = Q()
    for code in codes:
        within |= Q(jurisdiction__code__within=code)
    rows = Case.objects.filter(
        within, disease_id=COVID_19, classification__in=list(INFECTIONS), reported_at__lt=end
    ).values_list(
        "id",
        "jurisdiction_id",
        "person__household__place_id",
        "person__household__place__parent_id",
        "reported_at",
    )
    return [(i, code, p, parent, local_date(at)) for i, code, p, parent, at in rows]


def _contacts(codes: list[str], case_ids: set[int], end: datetime.datetime):
    """Contacts found by the investigations of these cases: ids by case, latest exposure by case.

    A contact who became an infection by ``end`` is left out: the infection already counts in
    the days without a new infection, and their own contacts are traced in turn; counted as a
    contact, a person who will never be "released negative" would hold the area forever.
    The latest exposure is aggregated in the database: a city outbreak has tens of thousands of
    contacts, and only one date per case matters.
    """
    if not case_ids:
        return [], {}
    within = Q()
    for code in codes:
        within |= Q(investigation__case__jurisdiction__code__within=code)
    infected = Case.objects.filter(
        person=OuterRef("person"),
        disease_id=COVID_19,
        classification__in=list(INFECTIONS),
        reported_at__lt=end,
    )
    rows = Contact.objects.filter(within).exclude(Exists(infected))
    ids = [(i, c) for i, c in rows.values_list("id", "investigation__case_id") if c in case_ids]
    latest = {
        case: local_date(at)
        for case, at in rows.values("investigation__case_id")
        .annotate(latest=Max("last_exposure_at"))
        .values_list("investigation__case_id", "latest")
        if case in case_ids
    }
    return ids, latest


@dataclass
class CaseContacts:
    """What the contacts of one case say: how many, their latest exposure, how many unreleased."""

    count: int = 0
    latest: datetime.date = datetime.date.min
    unreleased: int = 0


def _by_case(ids, latest) -> dict[int, CaseContacts]:
    out: dict[int, CaseContacts] = defaultdict(CaseContacts)
    for _contact_id, case_id in ids:
        out[case_id].count += 1
    for case_id, day in latest.items():
        out[case_id].latest = day
    return out


def _areas(day: datetime.date, within: str):
    return (
        RiskArea.objects.subtree(within)
        .filter(status=AreaStatus.ACTIVE, effective_from__lt=day_end(day))
        .order_by("id")
    )


def evaluate(
    day: datetime.date, *, within: str = "", area_ids=None, store: bool = True
) -> dict[int, Finding]:
    """Evaluate the areas in force at the end of ``day`` below ``within`` (or just ``area_ids``).

    Read everything set-based (areas, their infections, their contacts), judge each area, then ask
    testing for the screens the findings wait on in one call; with ``store`` the day's findings
    are written (``actions.evaluations``), else they are only returned (a proposal's evidence).
    """
    _step_rule.cache_clear()  # a protocol amended since the last run is read afresh
    areas_qs = _areas(day, within)
    if area_ids is not None:
        areas_qs = areas_qs.filter(pk__in=list(area_ids))
    areas = list(
        areas_qs.values(
            "id", "jurisdiction_id", "level", "came_from", "effective_from", "level_since"
        )
    )
    if not areas:
        return {}
    index = index_extents(areas_qs)
    end = day_end(day)
    codes = minimal_codes(a["jurisdiction_id"] for a in areas)
    cases_of, last_infection = _cases_by_area(index, _infections(codes, end))
    all_cases = set().union(*cases_of.values()) if cases_of else set()
    contact_ids, latest = _contacts(codes, all_cases, end)
    per_case = _by_case(contact_ids, latest)
    protocols = _Protocols(day)
    here, asked = _contacts_by_area(areas, day, cases_of, per_case, last_infection, protocols)
    resident_screens, unreleased_contacts = _evidence_functions()
    screens = _Screens(resident_screens)
    wanted = {case for a in asked for case in cases_of[a]}
    if wanted:
        _count_unreleased(unreleased_contacts, contact_ids, wanted, per_case, day)
    strict_in_county = _strict_levels_by_county(areas)
    findings: dict[int, Finding] = {}
    for area in areas:
        row = here[area["id"]]
        known = area["id"] in asked  # else the dates do not allow lifting yet: nobody was asked
        if known:
            row.unreleased = sum(per_case[c].unreleased for c in cases_of[area["id"]])
        findings[area["id"]] = _judge(
            area,
            day,
            protocols(area["jurisdiction_id"]),
            last_infection.get(area["id"]),
            row,
            known,
            index,
            screens,
            strict_in_county,
        )
    screens.settle(day)
    mark_held(findings, day)
    if store:
        store_findings(findings, areas, day)
    return findings


def _cases_by_area(index, infections) -> tuple[dict[int, set[int]], dict[int, datetime.date]]:
    """The infections inside each area's extent, and the day the last of them was found."""
    cases_of: dict[int, set[int]] = defaultdict(set)
    last_infection: dict[int, datetime.date] = {}
    for case_id, code, place, parent, found_on in infections:
        for area_id in index.areas_at(place, parent, code):
            cases_of[area_id].add(case_id)
            if found_on > last_infection.get(area_id, datetime.date.min):
                last_infection[area_id] = found_on
    return cases_of, last_infection


def _contacts_by_area(
    areas: list[dict],
    day: datetime.date,
    cases_of: dict[int, set[int]],
    per_case: dict[int, CaseContacts],
    last_infection: dict[int, datetime.date],
    protocols: _Protocols,
) -> tuple[dict[int, CaseContacts], set[int]]:
    """Each area's contacts (how many, the latest exposure), and the areas whose dates already
    allow lifting under a rule that wants every contact released negative: only their contacts
    are asked of quarantine, which is the one costly question of the day."""
    here: dict[int, CaseContacts] = {}
    asked: set[int] = set()
    for area in areas:
        row = here[area["id"]] = CaseContacts()
        for case in cases_of.get(area["id"], ()):
            found = per_case.get(case)
            if found is not None:
                row.count += found.count
                row.latest = max(row.latest, found.latest)
        protocol = protocols(area["jurisdiction_id"])
        step = _step_rule(protocol.pk, area["level"], area["came_from"]) if protocol else None
        if step is not None and step.contacts_all_negative and row.count:
            _base, earliest = _dates(area, step, last_infection.get(area["id"]), row)
            if day >= earliest:
                asked.add(area["id"])
    return here, asked


def _count_unreleased(unreleased_contacts, contact_ids, wanted: set[int], per_case, day) -> None:
    """Ask quarantine once which contacts of the ``wanted`` cases are not released negative, and
    count them per case."""
    ids = [c for c, case in contact_ids if case in wanted]
    unreleased = set(unreleased_contacts(ids, day))
    for contact_id, case in contact_ids:
        if contact_id in unreleased:
            per_case[case].unreleased += 1


def _strict_levels_by_county(areas) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for a in areas:
        out[a["jurisdiction_id"][:6]].add(a["level"])
    return out


@lru_cache(maxsize=256)
def _step_rule(protocol_id: int, level: str, came_from: str):
    """The protocol's lifting step for a level, read once per evaluation run (a few per day)."""
    protocol = Protocol.objects.get(pk=protocol_id)
    return rules.lifting(protocol, level, came_from or None)


def forget_step_rules() -> None:
    """Forget the lifting steps read: a protocol was amended or reloaded (``handlers``)."""
    _step_rule.cache_clear()


def _dates(area, step, last_on, contacts: CaseContacts | None):
    """The day the clear period counts from, and the earliest day the dates allow lifting.

    Days count from the last infection, else from designation; the 9th edition's rule for a
    medium area that was high counts from the step-down. Contacts must be past their days since
    the last exposure.
    """
    base = last_on or local_date(area["effective_from"])
    if step.from_level and area["level_since"]:
        base = max(base, local_date(area["level_since"]))
    earliest = base + datetime.timedelta(days=step.days_without_new_infection)
    if contacts and contacts.count and step.contacts_released_days is not None:
        earliest = max(
            earliest, contacts.latest + datetime.timedelta(days=step.contacts_released_days)
        )
    return base, earliest


def _judge(area, day, protocol, last_on, contacts, known, index, screens, strict):
    level = area["level"]
    finding = Finding(area["id"], level, Verdict.NOT_YET, last_infection_on=last_on)
    step = _step_rule(protocol.pk, level, area["came_from"]) if protocol else None
    if step is None:
        finding.verdict = Verdict.NO_RULE
        finding.reasons.append(
            _("The protocol in force (%(protocol)s) sets no lifting rule for this level.")
            % {"protocol": protocol.name if protocol else "—"}
        )
        return finding
    finding.to_level, finding.clause = step.to_level or "", step.clause
    if step.when_lifted_levels:
        waiting = strict.get(area["jurisdiction_id"][:6], set()) & set(step.when_lifted_levels)
        finding.evidence["stricter_levels_in_county"] = sorted(waiting)
        if waiting:
            finding.reasons.append(
                _("Stricter areas of the county are still in force: %(levels)s.")
                % {"levels": ", ".join(sorted(waiting))}
            )
        else:
            finding.verdict = Verdict.ELIGIBLE
        return finding
    base, _ignored = _dates(area, step, last_on, None)
    earliest = base + datetime.timedelta(days=step.days_without_new_infection)
    clear_days = (day - base).days
    finding.evidence.update(
        {
            "last_infection_on": last_on.isoformat() if last_on else None,
            "days_without_new_infection": clear_days,
            "days_required": step.days_without_new_infection,
        }
    )
    if clear_days < step.days_without_new_infection:
        counts = {"n": clear_days, "required": step.days_without_new_infection}
        if last_on:
            message = _("%(n)s of %(required)s days without a new infection (last found %(day)s).")
            counts["day"] = last_on.isoformat()
        else:
            message = _("%(n)s of %(required)s days without a new infection since designation.")
        finding.reasons.append(message % counts)
    if step.contacts_released_days is not None or step.contacts_all_negative:
        earliest = _judge_contacts(finding, step, day, contacts, known, earliest)
    if step.screen_all_residents:
        if day >= earliest and not finding.reasons:
            screens.ask(finding, _screen_ask(step, day, base, area, index))
        else:
            finding.reasons.append(
                _("The all-resident screen is checked once the days have passed.")
            )
    finding.earliest_on = max(earliest, day) if finding.reasons else None
    if not finding.reasons:
        finding.verdict = Verdict.ELIGIBLE
    return finding


def _judge_contacts(finding, step, day, contacts: CaseContacts, known: bool, earliest):
    """Contacts' days since exposure; their quarantine (``unreleased_contacts``) only when
    ``known`` — quarantine is asked only for areas whose dates already allow lifting."""
    if contacts.count and step.contacts_released_days is not None:
        due = contacts.latest + datetime.timedelta(days=step.contacts_released_days)
        earliest = max(earliest, due)
        if day < due:
            finding.reasons.append(
                _("Contacts were last exposed on %(day)s: %(n)s days must pass (until %(due)s).")
                % {"day": contacts.latest, "n": step.contacts_released_days, "due": due}
            )
    if contacts.count and known:
        finding.evidence["unreleased_contacts"] = contacts.unreleased
        if contacts.unreleased:
            finding.reasons.append(
                _("%(n)s contacts are still in quarantine or not released negative.")
                % {"n": contacts.unreleased}
            )
    finding.evidence["contacts"] = contacts.count
    return earliest


def _screen_ask(step, day, base, area, index) -> Ask:
    """The extent and window of the screen the step requires: on the given day of the clear
    period (9th edition: day 7), else within the hours before lifting (8th edition: 48 h)."""
    if step.screen_on_day:
        screen_day = base + datetime.timedelta(days=step.screen_on_day)
        start, end = day_start(screen_day), day_end(screen_day)
    else:
        hours = datetime.timedelta(hours=step.screen_within_hours_before_lifting or 24)
        start, end = day_end(day) - hours, day_end(day)
    codes = sorted(index.codes_of.get(area["id"], ()))
    places = sorted(index.places_of.get(area["id"], ()))
    return Ask(codes, places, start, end)


def _judge_screen(finding: Finding, ask: Ask, screen, day: datetime.date) -> None:
    """Complete a finding that waited on its screen (only findings with no other reason do)."""
    finding.evidence["screen"] = {
        "from": ask.start.isoformat(),
        "to": ask.end.isoformat(),
        "target": screen.target,
        "tested": screen.tested,
        "positive": screen.positive,
        "complete": screen.complete,
        "rounds": screen.rounds,
    }
    if screen.positive:
        finding.reasons.append(
            _("The all-resident screen found %(n)s positive.") % {"n": screen.positive}
        )
    elif not screen.complete:
        finding.reasons.append(
            _("The all-resident screen is incomplete: %(tested)s of %(target)s tested.")
            % {"tested": screen.tested, "target": screen.target}
        )
    if finding.reasons:
        finding.verdict, finding.earliest_on = Verdict.NOT_YET, day


def grace_days() -> int:
    """Days an eligible area may stay at its level before it counts as held (decision 0015).

    Not a protocol figure — the protocols say to lift "when" the criteria are met — but the time a
    county needs to propose, approve and publish; a deployment may set ``AREAS_HOLD_GRACE_DAYS``.
    """
    return int(getattr(settings, "AREAS_HOLD_GRACE_DAYS", 1))


def mark_held(findings: dict[int, Finding], day: datetime.date) -> None:
    """Carry each eligible area's first eligible day; past the grace period it is held."""
    if not any(f.eligible for f in findings.values()):
        return
    previous = dict(
        Evaluation.objects.filter(
            day=day - DAY, verdict__in=[Verdict.ELIGIBLE, Verdict.HELD]
        ).values_list("area_id", "eligible_since")
    )
    for area_id, finding in findings.items():
        if not finding.eligible:
            continue
        finding.eligible_since = previous.get(area_id) or day
        if (day - finding.eligible_since).days >= grace_days():
            finding.verdict = Verdict.HELD
            finding.reasons.append(
                _("Eligible since %(day)s and still at this level.")
                % {"day": finding.eligible_since}
            )
