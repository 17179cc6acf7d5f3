"""The live state a scenario starts from, as recorded by the end of its day (decision 0030):
the infections known, the people in quarantine, the protocol's regime, and the delays the
platform recorded. Each function is one question asked of one app, in one or two queries.

Where a run starts (docs/scenarios.md, "The start"): every infection known by the day's end is
admitted (应收尽收) and infects nobody in the run, but holds a bed; the people in centralised
quarantine hold rooms; what may still spread are the infections nobody has found yet, told by
the cases recently found *outside* control (a community channel, not quarantine or a sealed
area's screening): each such case is the end of a chain that ran free.
"""

import datetime

import numpy as np
from django.db.models import Q

from pingji.areas.extent import day_end
from pingji.cases.choices import INFECTIONS, INSIDE_CONTROL
from pingji.cases.models import Case
from pingji.core.actions import local_date
from pingji.protocols import rules
from pingji.protocols.choices import RegimeCategory
from pingji.protocols.versions import protocol_for
from pingji.quarantine.models import Placement
from pingji.tracing.models import Dispatch

#: How far back a reported infection still counts as active (the regimes' 14 days).
ACTIVE_DAYS = 14
#: How far back recorded delays are read: the last four weeks' practice.
DELAY_WINDOW = 28
#: The most delays kept (the newest): enough for the simulator's empirical draw.
MAX_DELAYS = 2000


#: The days before the state day's end whose cases found outside control tell of hidden
#: infections: a week, about one serial interval and a half of Delta.
FOUND_FREE_DAYS = 7


def _active(code: str, day: datetime.date):
    """Infections reported and entered by the end of ``day`` within the last ``ACTIVE_DAYS``,
    not voided nor with an outcome by then."""
    end = day_end(day)
    return Case.objects.filter(
        Q(voided_at__isnull=True) | Q(voided_at__gte=end),
        Q(outcome_at__isnull=True) | Q(outcome_at__gte=end),
        jurisdiction__code__within=code,
        classification__in=list(INFECTIONS),
        reported_at__lt=end,
        reported_at__gte=end - datetime.timedelta(days=ACTIVE_DAYS),
        created_at__lt=end,
    )


def active_infections(code: str, day: datetime.date) -> list[int]:
    """Persons of the infections known and still active at the end of ``day``."""
    return sorted(set(_active(code, day).values_list("person_id", flat=True)))


def beds_held(code: str, day: datetime.date, stay_days: int, days: int) -> list[int]:
    """Beds held each day of the run by the infections known at the end of ``day``: admitted on
    their report, each for ``stay_days``."""
    first = day + datetime.timedelta(days=1)
    held = np.zeros(days, dtype=np.int64)
    for reported in _active(code, day).values_list("reported_at", flat=True):
        until = (local_date(reported) + datetime.timedelta(days=stay_days) - first).days
        held[: max(0, min(until, days))] += 1
    return held.tolist()


def found_free(code: str, day: datetime.date) -> dict[str, int]:
    """Cases found outside control in the ``FOUND_FREE_DAYS`` up to the end of ``day``, by the
    township they were reported in."""
    end = day_end(day)
    rows = (
        _active(code, day)
        .filter(reported_at__gte=end - datetime.timedelta(days=FOUND_FREE_DAYS))
        .exclude(channel__in=list(INSIDE_CONTROL))
        .values_list("jurisdiction_id", flat=True)
    )
    out: dict[str, int] = {}
    for grid in rows:
        out[grid[:9]] = out.get(grid[:9], 0) + 1
    return out


def in_central_quarantine(code: str, day: datetime.date, days: int) -> list[int]:
    """Rooms held each day of the run by people already in centralised quarantine at the end of
    ``day`` (placed by then, not released nor ended by then), until their centralised days end."""
    end = day_end(day)
    rows = Placement.objects.filter(
        Q(released_at__isnull=True) | Q(released_at__gte=end),
        Q(ended_at__isnull=True) | Q(ended_at__gte=end),
        jurisdiction__code__within=code,
        placed_at__lt=end,
        centralized_days__gt=0,
    ).values_list("exposure_on", "centralized_days")
    held = np.zeros(days, dtype=np.int64)
    first = day + datetime.timedelta(days=1)
    for exposure, central in rows:
        until = (exposure + datetime.timedelta(days=central) - first).days
        held[: max(0, min(until, days))] += 1
    return held.tolist()


def regime(code: str, day: datetime.date) -> dict:
    """The close-contact regime of the protocol in force, as the simulator's quarantine days:
    tests on quarantine day ``d - 1`` (the protocols number days from 1), home days after."""
    protocol = protocol_for(code, day)
    r = rules.regime(protocol, RegimeCategory.CLOSE_CONTACT)
    central, home = r.centralized_days, r.home_days
    tests = [d - 1 for d in r.test_days_centralized] + [central + d - 1 for d in r.test_days_home]
    tests = sorted({t for t in tests if 0 <= t < central + home})
    return {
        "protocol": protocol.code,
        "protocol_id": protocol.pk,
        "clause": r.clause,
        "central_days": central,
        "home_days": home,
        "test_days": tests,
    }


def _days(pairs) -> list[int]:
    out = [max(0, (later - earlier).days) for earlier, later in pairs if later >= earlier]
    return out[:MAX_DELAYS]


def tracing_delays(code: str, day: datetime.date) -> list[int]:
    """Whole days from a dispatch sent (协查) to the person's placement, and from a contact's
    entry to their placement, recorded by the end of ``day`` in the last ``DELAY_WINDOW`` days."""
    end = day_end(day)
    since = end - datetime.timedelta(days=DELAY_WINDOW)
    placed = Placement.objects.filter(
        jurisdiction__code__within=code, placed_at__lt=end, placed_at__gte=since
    )
    from_contacts = placed.filter(contact__isnull=False, contact__created_at__lt=end).values_list(
        "contact__created_at", "placed_at"
    )
    placements = placed.values_list("person_id", "placed_at")
    sent = dict(
        Dispatch.objects.filter(sent_at__lt=end, sent_at__gte=since, person__isnull=False)
        .filter(person_id__in=placements.values("person_id"))
        .values_list("person_id", "sent_at")
    )
    from_dispatch = [(sent[p], at) for p, at in placements.order_by("-placed_at") if p in sent]
    return _days(list(from_contacts.order_by("-placed_at")[:MAX_DELAYS]) + from_dispatch)


def testing_delays(code: str, day: datetime.date) -> tuple[list[int], list[int]]:
    """Onset → sampling and sampling → report, in whole days, of the infections reported by the
    end of ``day`` in the last ``DELAY_WINDOW`` days: the symptomatic testing the run applies."""
    end = day_end(day)
    rows = Case.objects.filter(
        jurisdiction__code__within=code,
        classification__in=list(INFECTIONS),
        reported_at__lt=end,
        reported_at__gte=end - datetime.timedelta(days=DELAY_WINDOW),
        created_at__lt=end,
        sampled_at__isnull=False,
    )
    onset: list[int] = []
    turnaround: list[int] = []
    pairs = rows.values_list("onset_date", "sampled_at", "reported_at")[:MAX_DELAYS]
    for onset_on, sampled, reported in pairs:
        if sampled is None:
            continue
        sampled_on = local_date(sampled)
        if onset_on is not None and sampled_on >= onset_on:
            onset.append((sampled_on - onset_on).days)
        turnaround.append(max(0, (reported - sampled).days))
    return onset, turnaround
