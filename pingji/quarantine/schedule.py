"""The plan a regime sets for a person, release eligibility, and today's schedule.

Day numbers count from the last exposure (day 0), as every published edition counts them (each
regime's ``counted_from``, ``pingji/protocols/data``). Under the 8th edition a close contact exposed
on 09-10 is at the site on days 1–14 (09-11 … 09-24), tested on days 1, 4, 7 and 14 with the day-14
test by double sampling, released on day 14 and monitored at home for 7 more days (to 10-01). Home
test days are numbered within the home phase ("home day 3" of the 9th edition = day 7 + 3).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from pingji.protocols import rules
from pingji.protocols.choices import ReleaseTest

from .choices import PlacementStatus, Setting, TestStatus

DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class PlannedTest:
    day: int
    home_day: int | None
    setting: str
    due_on: datetime.date
    double_sampling: bool = False


@dataclass(frozen=True)
class Plan:
    """What a regime means for one person exposed on ``exposure_on`` and placed on ``placed_on``."""

    applies: bool
    exposure_on: datetime.date
    centralized_days: int
    home_quarantine_days: int
    home_monitoring_days: int
    release_test: str
    planned_release_on: datetime.date
    planned_end_on: datetime.date
    tests: tuple[PlannedTest, ...]
    clause: str = ""

    @property
    def setting(self) -> str:
        """Where the person starts: at a site if the regime has a centralised phase."""
        return Setting.CENTRALISED if self.centralized_days else Setting.HOME


def plan(regime: rules.Regime, exposure_on: datetime.date, placed_on: datetime.date) -> Plan:
    """The dates and tests of ``regime`` for someone exposed on ``exposure_on``.

    Tests whose day passed before the person was placed (found late) collapse into one test on
    the day of placement: the first sample is taken on arrival, and the days left keep theirs.
    With ``release_test`` = double sampling the last site test is the double-sampled release test
    (8th edition: 双采双检 before release).
    """
    c, hq, hm = regime.centralized_days, regime.home_quarantine_days, regime.home_monitoring_days
    release_on = exposure_on + c * DAY
    tests: dict[datetime.date, PlannedTest] = {}
    last_site_day = max(regime.test_days_centralized, default=None)
    for n in regime.test_days_centralized:
        due = max(exposure_on + n * DAY, placed_on)
        double = regime.release_test == ReleaseTest.DOUBLE_SAMPLING and n == last_site_day
        tests.setdefault(due, PlannedTest(n, None, Setting.CENTRALISED, due, double))
        if double:  # the release test wins a collapsed day
            tests[due] = PlannedTest(n, None, Setting.CENTRALISED, due, True)
    for k in regime.test_days_home:
        due = max(release_on + k * DAY, placed_on)
        tests.setdefault(due, PlannedTest(c + k, k, Setting.HOME, due))
    return Plan(
        applies=regime.applies,
        exposure_on=exposure_on,
        centralized_days=c,
        home_quarantine_days=hq,
        home_monitoring_days=hm,
        release_test=regime.release_test,
        planned_release_on=release_on,
        planned_end_on=release_on + (hq + hm) * DAY,
        tests=tuple(sorted(tests.values(), key=lambda t: t.due_on)),
        clause=regime.clause,
    )


@dataclass(frozen=True)
class Reason:
    ok: bool
    text: str

    def as_json(self) -> dict:
        return {"ok": self.ok, "text": self.text}


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reasons: tuple[Reason, ...] = field(default=())

    @property
    def blocking(self) -> list[str]:
        return [r.text for r in self.reasons if not r.ok]


def eligibility(placement, on: datetime.date, tests=None) -> Eligibility:
    """Whether the person may leave the site on ``on``, and why (every condition, met or not).

    Conditions (the regime copied on the placement, from its protocol): the centralised days served
    counting from the last exposure; every site test due by the release day taken and negative,
    the release test double-sampled where the protocol requires it; no positive result. Every
    condition is listed, met or not, because the release keeps them as its reasons.
    """
    if placement.status != PlacementStatus.ACTIVE or placement.setting != Setting.CENTRALISED:
        text = _("The person is not in centralised quarantine.")
        return Eligibility(False, (Reason(False, text),))
    tests = list(placement.tests.all()) if tests is None else tests
    site_tests = [
        t
        for t in tests
        if t.setting == Setting.CENTRALISED
        and t.scheduled
        and t.status != TestStatus.CANCELLED
        and t.due_on <= placement.planned_release_on
    ]
    reasons = [
        _days_served(placement, on),
        *_site_results(tests, site_tests),
    ]
    if placement.release_test == ReleaseTest.DOUBLE_SAMPLING:
        reasons.append(_release_test(site_tests))
    return Eligibility(all(r.ok for r in reasons), tuple(reasons))


def _days_served(placement, on: datetime.date) -> Reason:
    """The centralised days served by ``on``, counted from the last exposure, against the regime."""
    served = min(placement.day_of(on), placement.centralized_days)
    return Reason(
        on >= placement.planned_release_on,
        _(
            "%(served)d of %(days)d days served, counted from the last exposure on "
            "%(exposure)s (release from %(release)s)."
        )
        % {
            "served": max(served, 0),
            "days": placement.centralized_days,
            "exposure": placement.exposure_on.isoformat(),
            "release": placement.planned_release_on.isoformat(),
        },
    )


def _site_results(tests, site_tests) -> list[Reason]:
    """No positive among all tests, and a negative result for each site test due by release."""
    reasons = []
    if any(t.status == TestStatus.POSITIVE for t in tests):
        reasons.append(Reason(False, _("A test was positive.")))
    missing = [t for t in site_tests if t.status != TestStatus.NEGATIVE]
    if missing:
        days = ", ".join(str(t.day) for t in missing)
        reasons.append(
            Reason(
                False, _("No negative result yet for the tests of day %(days)s.") % {"days": days}
            )
        )
    else:
        reasons.append(
            Reason(True, _("All %(n)d scheduled tests negative.") % {"n": len(site_tests)})
        )
    return reasons


def _release_test(site_tests) -> Reason:
    """The double-sampled release test (双采双检) negative, where the protocol asks for one."""
    double = [t for t in site_tests if t.double_sampling]
    ok = bool(double) and all(t.status == TestStatus.NEGATIVE for t in double)
    return Reason(
        ok,
        _("Release test by double sampling negative.")
        if ok
        else _("The release test by double sampling has no negative result yet."),
    )


def active_on(queryset, on: datetime.date):
    """Placements under way on ``on``: active, placed by then, monitoring not yet over."""
    return queryset.filter(
        status=PlacementStatus.ACTIVE, placed_at__date__lte=on, planned_end_on__gte=on
    )


def overdue_q(on: datetime.date) -> Q:
    """A check-in missed before today (none since yesterday) or a test due before today."""
    yesterday = on - DAY
    missed_check = Q(last_check_on__lt=yesterday) | Q(
        last_check_on__isnull=True, placed_at__date__lt=yesterday
    )
    return missed_check | Q(next_test_on__lt=on)


@dataclass(frozen=True)
class Schedule:
    on: datetime.date
    active: int
    checks_due: int
    checks_done: int
    tests_due: int
    overdue: int
    by_jurisdiction: dict


def today_schedule(queryset, on: datetime.date, *, group: int = 6) -> Schedule:
    """Monitoring and tests due on ``on`` and what is overdue, in one aggregate query.

    ``group`` is the length of the jurisdiction code figures are broken down by (6: county).
    """
    from django.db.models.functions import Substr

    rows = active_on(queryset, on).annotate(unit=Substr("jurisdiction_id", 1, group))
    figures = rows.values("unit").annotate(
        active=Count("id"),
        done=Count("id", filter=Q(last_check_on=on)),
        tests=Count("id", filter=Q(next_test_on=on)),
        overdue=Count("id", filter=overdue_q(on)),
    )
    by_unit = {
        r["unit"]: {k: r[k] for k in ("active", "done", "tests", "overdue")}
        for r in figures.order_by("unit")
    }
    total = {k: sum(v[k] for v in by_unit.values()) for k in ("active", "done", "tests", "overdue")}
    return Schedule(
        on=on,
        active=total["active"],
        checks_due=total["active"] - total["done"],
        checks_done=total["done"],
        tests_due=total["tests"],
        overdue=total["overdue"],
        by_jurisdiction=by_unit,
    )
