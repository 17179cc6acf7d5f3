"""Exchange rows for the shared permission suite: a card, an extract and its card, a partner's
identifier and a lab message, each in the given grid (or of a case or person living there)."""

import datetime
import itertools

from django.utils import timezone

from pingji.cases.tests.factories import CaseFactory
from pingji.exchange.models import ExternalRecord, Extract, ExtractCard, LabMessage, ReportCard
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.protocols.models import COVID_19

DIAGNOSED = timezone.make_aware(datetime.datetime(2021, 9, 12, 9))
_n = itertools.count(1)


def _case(grid):
    return CaseFactory(person=PersonFactory.create(household=HouseholdFactory(jurisdiction=grid)))


def _card(grid) -> ReportCard:
    case = _case(grid)
    return ReportCard.objects.create(
        case=case,
        diagnosed_at=DIAGNOSED,
        due_at=DIAGNOSED + datetime.timedelta(hours=2),
        classification=case.classification,
    )


def _extract(grid) -> Extract:
    return Extract.objects.create(jurisdiction=grid, sha256=f"{next(_n):064d}")


def _extract_card(grid) -> ExtractCard:
    return ExtractCard.objects.create(
        extract=_extract(grid),
        card_number=f"{next(_n):012d}",
        county=grid,
        disease_id=COVID_19,
        classification="confirmed",
        diagnosed_at=DIAGNOSED,
        facts_hash="0" * 64,
    )


SCOPED_FACTORIES = {
    ReportCard: _card,
    Extract: _extract,
    ExtractCard: _extract_card,
    ExternalRecord: lambda grid: ExternalRecord.objects.create(
        system="urn:partner:case", value=str(next(_n)), case=_case(grid), facts_hash="0" * 64
    ),
    LabMessage: lambda grid: LabMessage.objects.create(
        system="urn:partner:lab",
        value=str(next(_n)),
        person=PersonFactory.create(household=HouseholdFactory(jurisdiction=grid)),
        result="negative",
        sampled_at=DIAGNOSED,
        facts_hash="0" * 64,
    ),
}
