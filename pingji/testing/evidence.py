"""Contract C3: the all-resident screening of an extent, as lifting criteria need it.

The protocols lift a sealed or controlled area only after every resident tested negative in a
screen on a given day or within hours before lifting (``protocols.rules.Lifting``:
``screen_all_residents``, ``screen_on_day``, ``screen_within_hours_before_lifting``). The areas
domain asks here, for the residents of some jurisdictions and places, how many were tested in a
window, how many were in a positive tube, and in how many rounds.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from pingji.people.models import Person

from . import store
from .choices import UploadStatus


@dataclass(frozen=True)
class Screen:
    """The screening of an extent's residents in a window (C3)."""

    target: int
    tested: int
    positive: int
    complete: bool
    rounds: int


def residents(codes: list[str], place_ids: list[int]):
    """Persons living in the subtrees of ``codes`` or in households of ``place_ids``.

    A place counts with its parts: a compound's buildings hold its households.
    """
    where = Q(pk__in=[])
    for code in codes:
        where |= Q(jurisdiction__code__within=code) if code else Q()
    if place_ids:
        where |= Q(household__place_id__in=place_ids) | Q(household__place__parent_id__in=place_ids)
    return Person.objects.filter(where)


def _local(moment: datetime.datetime) -> datetime.datetime:
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.replace(tzinfo=None)


def resident_screen(
    codes: list[str], place_ids: list[int], start: datetime.datetime, end: datetime.datetime
) -> Screen:
    """Residents of the extent now, and who of them was sampled (with a valid result) in
    ``[start, end]``; ``complete`` when every one of them was (and there is someone to test)."""
    from .models import Upload

    people = list(residents(codes, place_ids).values_list("pk", flat=True))
    if not people:
        return Screen(0, 0, 0, False, 0)
    applied = list(Upload.objects.filter(status=UploadStatus.APPLIED).values_list("pk", flat=True))
    tested, positive, rounds = store.screen(people, _local(start), _local(end), applied)
    return Screen(len(people), tested, positive, tested >= len(people), rounds)
