"""The state of contacts' quarantine, for the lifting criteria of risk areas: what quarantine
offers areas (``unreleased_contacts``).

The 8th edition lifts a sealed or controlled area only when every contact is past the quarantine
counted from their last exposure *and* negative (its ``risk_areas`` lifting rule,
``pingji/protocols/data``); areas asks this module
which contacts are not there yet. Called without a user: the caller has already scoped the
contacts it asks about, and the answer is a set of their ids, no personal data.
"""

import datetime
from collections.abc import Iterable

from django.utils import timezone

from .choices import PlacementStatus, Setting, TestStatus
from .models import Placement


def _local(value: datetime.datetime) -> datetime.date:
    return timezone.localtime(value, timezone.get_default_timezone()).date()


def quarantine_over_on(placement: Placement) -> datetime.date | None:
    """The day the quarantine part of the episode ended (release from the site, or the end of
    home quarantine for regimes without a site); None while it has not."""
    if placement.centralized_days:
        return _local(placement.released_at) if placement.released_at else None
    return placement.planned_release_on + datetime.timedelta(days=placement.home_quarantine_days)


def released_negative(placement: Placement, on: datetime.date) -> bool:
    """Out of quarantine by the end of ``on`` with every test the regime required by then negative.

    A person who tested positive is a case, never a released contact. An early release (overridden)
    counts only if the required tests are in fact negative.
    """
    if placement.status == PlacementStatus.POSITIVE and (
        placement.ended_at is None or _local(placement.ended_at) <= on
    ):
        return False
    over = quarantine_over_on(placement)
    if over is None or over > on:
        return False
    required = [
        t
        for t in placement.tests.all()
        if t.scheduled
        and t.status != TestStatus.CANCELLED
        and (t.setting == Setting.CENTRALISED or t.due_on <= over)
        and t.due_on <= over
    ]
    return all(
        t.status == TestStatus.NEGATIVE and t.sampled_at and _local(t.sampled_at) <= on
        for t in required
    )


def unreleased_contacts(contact_ids: Iterable[int], on: datetime.date) -> set[int]:
    """Those of these tracing Contacts still under quarantine at the end of ``on``, or released
    without the negative tests the protocol requires; a contact never placed counts as unreleased.

    A contact's placement is the latest made from it, else the person's first placement counting
    from the same or a later exposure (a person who is the contact of two cases is placed once; a
    later placement, after a new exposure, does not undo the release that covered this one).
    """
    from pingji.tracing.models import Contact

    ids = {int(i) for i in contact_ids}
    if not ids:
        return set()
    contacts = list(
        Contact.objects.filter(pk__in=ids).values("id", "person_id", "last_exposure_at")
    )
    persons = {c["person_id"] for c in contacts}
    placements: dict[int, list[Placement]] = {}
    for p in (
        Placement.objects.filter(person_id__in=persons, placed_at__date__lte=on)
        .prefetch_related("tests")
        .order_by("placed_at")
    ):
        placements.setdefault(p.person_id, []).append(p)
    unreleased = ids - {c["id"] for c in contacts}  # unknown ids: nobody placed them
    for c in contacts:
        exposed = _local(c["last_exposure_at"])
        own = placements.get(c["person_id"], [])
        named = [p for p in own if p.contact_id == c["id"]]
        covering = [p for p in own if p.exposure_on >= exposed]
        placement = named[-1] if named else (covering[0] if covering else None)
        if placement is None or not released_negative(placement, on):
            unreleased.add(c["id"])
    return unreleased
