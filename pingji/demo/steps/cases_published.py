"""Published figures the replay's cases reproduce besides the bulletins' daily counts by city.

The daily counts leave the line detail free; these figures (``putian_outbreak_published_figures
.csv`` and the province bulletin series, ``demo/data``) fix some of it, and
``tests/test_published.py`` checks each through the platform's reads:

* **Counties**: cumulative confirmed by county at 2021-09-18 24:00 (NetEase/163 news 19 Sep 2021,
  official figures). The confirmed cases counted by then get exactly these counties
  (:func:`county_quotas`), later ones the same split as weights. The bulletins' city totals of that
  day agree (Putian 183, Xiamen 131); where they would not, the bulletin wins and the replay stops.
* **08:00 press conferences** (14 Sep, VOA summary; 20 Sep, Xinhua): cumulative confirmed by city
  and asymptomatic infections not yet reclassified, from 10 September to 08:00. :func:`mornings`
  derives how many of that day's reports and reclassifications fall before 08:00; the rest of the
  day's fall after it, so the 24:00 counts stay the bulletins'. A reclassification counts as a new
  confirmed case when it is made, as the bulletins count it (decision 0006).
* **In hospital**: the bulletins' "目前住院N例", local confirmed cases in hospital at 24:00
  (province file, ``hospitalized_local_confirmed_reported``). :func:`discharge_days` discharges
  the confirmed cases first in, first out between the bulletins, so that the count at 24:00 is the
  bulletin's on every day it gives one, and everyone by 8 November (0 in hospital, Fujian WJW).
"""

import datetime
from typing import TYPE_CHECKING, NamedTuple

from pingji.cases.choices import Classification
from pingji.demo.replay import CityDay, province_column
from pingji.demo.steps.cases_support import OUTBREAK_DAY, TZ

if TYPE_CHECKING:
    from pingji.demo.steps.cases import Line

#: city → (day, county → cumulative confirmed at its 24:00): NetEase/163 news 19 Sep 2021,
#: https://c.m.163.com/news/a/GK9KQME30514R9P4.html
COUNTY_SPLITS = {
    "3503": (datetime.date(2021, 9, 18), {"350322": 182, "350304": 1}),
    "3502": (
        datetime.date(2021, 9, 18),
        {"350212": 116, "350203": 8, "350205": 5, "350206": 2},
    ),
}
#: (moment, city → cumulative confirmed, city → asymptomatic not yet reclassified) since 10 Sep:
#: Fujian press conference 14 Sep 2021 (VOA summary), https://voachinese.com/a/more-Delta-cases-
#: found-in-southeast-China--20210914/6225842.html; Fujian press conference 20 Sep 2021 (Xinhua),
#: http://shadafang.com/a/202209/4672728.html
PRESS_CONFERENCES = (
    (
        datetime.datetime(2021, 9, 14, 8, tzinfo=TZ),
        {"3503": 75, "3505": 12, "3502": 33},
        {"3503": 19},
    ),
    (
        datetime.datetime(2021, 9, 20, 8, tzinfo=TZ),
        {"3503": 191, "3502": 147, "3505": 23, "3506": 3},
        {"3503": 3},
    ),
)
#: Report hours (inclusive) before and after a press conference's 08:00.
EARLY, LATE = (0, 7), (8, 22)
HOSPITALISED = "hospitalized_local_confirmed_reported"
#: All discharged ("目前住院0例") at 2021-11-08 24:00: 2019冠状病毒病福建省疫情 (mirror), citing
#: Fujian WJW.
ALL_DISCHARGED = datetime.date(2021, 11, 8)


class Morning(NamedTuple):
    """How many of a city's reports and reclassifications of a day fall before 08:00."""

    confirmed: int  # reported as confirmed
    reclassified: int
    asymptomatic: int


def confirmed_on(line: "Line") -> datetime.date | None:
    """The day a line counts as a new confirmed case: its report's, or its reclassification's."""
    if line.classification == Classification.CONFIRMED:
        return line.day
    return line.reclassified_on


def county_quotas(lines: "list[Line]", rng) -> dict[int, str]:
    """Line number → county for the confirmed cases a published split counts, in random order."""
    out: dict[int, str] = {}
    for city, (day, split) in COUNTY_SPLITS.items():
        counted = [x.n for x in lines if x.city == city and (on := confirmed_on(x)) and on <= day]
        if len(counted) != sum(split.values()):
            raise ValueError(
                f"The bulletins count {len(counted)} confirmed in {city} by {day}, the published "
                f"county split {sum(split.values())}: the bulletin wins, correct the split."
            )
        quota = [county for county, n in split.items() for _ in range(n)]
        rng.shuffle(quota)
        out.update(zip(counted, quota, strict=True))
    return out


def mornings(
    city_days: list[CityDay], reclass: dict[tuple, int], end: datetime.date
) -> dict[tuple, Morning]:
    """(day, city) → what falls before 08:00 on each press-conference day up to ``end``."""
    out = {}
    for moment, confirmed, asymptomatic in PRESS_CONFERENCES:
        day = moment.date()
        if day > end:
            continue
        todays = {d.city_code: d for d in city_days if d.day == day}
        for city in sorted(set(todays) | set(confirmed)):
            today = todays.get(city, CityDay(day, city, 0, 0))
            earlier = [d for d in city_days if d.city_code == city and d.day < day]
            figures = (confirmed.get(city, 0), asymptomatic.get(city, 0))
            out[(day, city)] = _morning(today, earlier, reclass, *figures)
    return out


def _morning(today: CityDay, earlier, reclass, confirmed: int, asymptomatic: int) -> Morning:
    """The split of ``today``'s reports that gives the published figures at 08:00.

    Confirmed by 08:00 = confirmed on earlier days + reported as confirmed + reclassified before
    08:00; asymptomatic = pending from earlier days + reported before 08:00 − reclassified. The
    fewest asymptomatic reports before 08:00 that solve both are taken.
    """
    so_far = sum(d.new_confirmed for d in earlier)
    pending = sum(d.new_asymptomatic - reclass.get((d.day, d.city_code), 0) for d in earlier)
    can_move = reclass.get((today.day, today.city_code), 0)
    for found in range(today.new_asymptomatic + 1):
        moved = pending + found - asymptomatic
        reported = confirmed - so_far - moved
        if 0 <= moved <= can_move and 0 <= reported <= today.new_confirmed - can_move:
            return Morning(reported, moved, found)
    raise ValueError(
        f"{today}: no split of the day's reports gives the published {confirmed} confirmed and "
        f"{asymptomatic} asymptomatic by 08:00"
    )


def time_mornings(lines: "list[Line]", by_day: dict[tuple, Morning]) -> None:
    """Set which of a press-conference day's reports and reclassifications come before 08:00."""
    for (day, city), morning in by_day.items():
        todays = [x for x in lines if x.day == day and x.city == city]
        for kind, early in (
            (Classification.CONFIRMED, morning.confirmed),
            (Classification.ASYMPTOMATIC, morning.asymptomatic),
        ):
            for i, line in enumerate(x for x in todays if x.classification == kind):
                line.report_hours = EARLY if i < early else LATE
        moved = [x for x in lines if x.reclassified_on == day and x.city == city]
        for line in moved[: morning.reclassified]:
            line.reclassified_hours = EARLY


def discharge_days(confirmed: list[datetime.date], rng, end: datetime.date) -> list[datetime.date]:
    """The day each confirmed case leaves hospital by ``end``, for the days they were confirmed
    in order (the first ones: those still in hospital at ``end`` have none).

    First in, first out: the cases discharged by a bulletin's day are the earliest confirmed, each
    on a day after its confirmation and after the bulletin before.
    """
    days: list[datetime.date] = []
    done, since = 0, OUTBREAK_DAY - datetime.timedelta(days=1)
    for day, out in _discharged_by(confirmed, end):
        if out < done:
            raise ValueError(f"{day}: the bulletin has more in hospital than confirmed since")
        for first in confirmed[done:out]:
            lo = max(since, first) + datetime.timedelta(days=1)
            if lo > day:
                raise ValueError(f"{day}: a case confirmed on {first} cannot be discharged by then")
            days.append(lo + datetime.timedelta(days=rng.randint(0, (day - lo).days)))
        done, since = out, day
    return days


def _discharged_by(
    confirmed: list[datetime.date], end: datetime.date
) -> list[tuple[datetime.date, int]]:
    """(day, cases discharged by its 24:00): confirmed by then less the bulletin's in hospital,
    on each bulletin day to ``end``; and all of them by the day the last was discharged when
    ``end`` is past the bulletins (a replay cut earlier leaves the rest in hospital)."""
    bulletins = sorted(province_column(HOSPITALISED).items())
    marks = [
        (day, sum(c <= day for c in confirmed) - n)
        for day, n in bulletins
        if OUTBREAK_DAY <= day <= end
    ]
    if end >= bulletins[-1][0]:
        marks.append((ALL_DISCHARGED, len(confirmed)))
    return marks


def closing_times(lines: "list[Line]", rng, end: datetime.date) -> dict[int, datetime.datetime]:
    """Line number → when its case is discharged: a confirmed case during the day
    ``discharge_days`` gives it (in the order confirmed; none for one still in hospital at
    ``end``), an infection never confirmed 16–24 days after its report."""
    confirmed = sorted((x for x in lines if confirmed_on(x)), key=_confirmed_at)
    days = discharge_days([_confirmed_at(x).date() for x in confirmed], rng, end)
    out = {
        x.n: datetime.datetime.combine(day, datetime.time(rng.randint(9, 17)), TZ)
        + datetime.timedelta(minutes=rng.randint(0, 59))
        for x, day in zip(confirmed[: len(days)], days, strict=True)
    }
    for line in lines:
        if line.n not in out and not confirmed_on(line):
            out[line.n] = line.reported + datetime.timedelta(days=rng.randint(16, 24), hours=3)
    return out


def _confirmed_at(line: "Line") -> datetime.datetime:
    return line.extra.get("reclassified_at", line.reported)
