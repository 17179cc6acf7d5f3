"""Health-code rows for the shared permission suite: a push with a row, and an instruction, in
the given grid."""

import datetime
import itertools

from django.utils import timezone

from pingji.health_codes.models import Instruction, Push, PushRow
from pingji.people.tests.factories import HouseholdFactory, PersonFactory

AT = timezone.make_aware(datetime.datetime(2021, 9, 12, 9))
_n = itertools.count(1)


def _push(grid) -> Push:
    return Push.objects.create(
        jurisdiction=grid, kind="code_list", source="api", content_hash=f"{next(_n):064d}"
    )


def _row(grid) -> PushRow:
    return PushRow.objects.create(
        push=_push(grid), jurisdiction=grid, line=1, name="林某", outcome="not_found"
    )


def _instruction(grid) -> Instruction:
    person = PersonFactory.create(household=HouseholdFactory(jurisdiction=grid))
    n = next(_n)
    return Instruction.objects.create(
        sequence=n,
        jurisdiction=grid,
        person=person,
        name=person.name,
        colour="red",
        cause_kind="placed",
        cause_key=f"placed:{n}",
        protocol="cn-8th-edition",
        clause="test",
        at=AT,
    )


SCOPED_FACTORIES = {Push: _push, PushRow: _row, Instruction: _instruction}
