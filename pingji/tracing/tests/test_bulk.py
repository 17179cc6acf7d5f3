"""Thousands of contacts at once: checked first, de-duplicated, tiered and dispatched."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pingji.core import events
from pingji.core.models import DomainEvent
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.tasks.models import Task
from pingji.tracing.actions.bulk import ContactRow, do_add_contacts_bulk
from pingji.tracing.actions.investigations import do_open_investigation
from pingji.tracing.models import Contact, Dispatch

from .conftest import GRID, at

pytestmark = pytest.mark.django_db
HULI_GRID = "350206001001001"


@pytest.fixture
def inv(case, epi):
    return do_open_investigation(case, actor=epi)


def test_rows_collapse_per_person_keep_the_closest_tier_and_dispatch_the_away(inv, epi, tree):
    here = PersonFactory(household=HouseholdFactory(jurisdiction=tree[GRID]))
    away = PersonFactory(household=HouseholdFactory(jurisdiction=tree[HULI_GRID]))
    rows = [
        ContactRow(inv.pk, here.pk, "spatiotemporal_companion", "venue", at(11, 10)),
        ContactRow(inv.pk, here.pk, "close_contact", "venue", at(11, 9)),
        ContactRow(inv.pk, away.pk, "close_contact", "venue", at(11, 12)),
    ]
    result = do_add_contacts_bulk(rows, actor=epi)
    assert (result.created, result.merged_rows, result.dispatched) == (2, 1, 1)
    c = Contact.objects.get(person=here)
    assert (c.tier, c.last_exposure_at) == ("close_contact", at(11, 10))
    d = Dispatch.objects.get()
    assert (d.person_id, d.jurisdiction_id) == (away.pk, "350206")
    assert Task.objects.for_source(d).get().jurisdiction_id == "350206"
    kinds = list(
        DomainEvent.objects.filter(kind__startswith="tracing.").values_list("kind", flat=True)
    )
    assert kinds.count("tracing.contact_added") == 2 and kinds.count("tracing.dispatched") == 1
    # a second batch updates, never doubles, and does not dispatch again
    again = do_add_contacts_bulk(
        [ContactRow(inv.pk, away.pk, "close_contact", "venue", at(11, 15))], actor=epi
    )
    assert (again.created, again.updated, again.dispatched) == (0, 1, 0)
    assert Contact.objects.count() == 2 and Dispatch.objects.count() == 1


def test_a_bad_row_refuses_the_batch_with_its_row_number(inv, epi, tree, huli_epi):
    ok = PersonFactory(household=HouseholdFactory(jurisdiction=tree[GRID]))
    rows = [
        ContactRow(inv.pk, ok.pk, "close_contact", "venue", at(11, 10)),
        ContactRow(inv.pk, ok.pk, "close_contact", "venue", at(1, 10)),  # before the look-back
        ContactRow(inv.pk, inv.case.person_id, "close_contact", "venue", at(11, 10)),
        ContactRow(inv.pk, 999999, "best_friend", "venue", at(11, 10)),
    ]
    with pytest.raises(ValidationError) as exc:
        do_add_contacts_bulk(rows, actor=epi)
    text = " ".join(exc.value.messages)
    assert "row 2, last_exposure_at" in text and "row 3, person" in text
    assert "row 4, tier" in text and "row 4, person" in text
    assert not Contact.objects.exists() and not Dispatch.objects.exists()
    # another county's epidemiologist sees no such investigation
    with pytest.raises(ValidationError):
        do_add_contacts_bulk(rows[:1], actor=huli_epi)
    assert not Contact.objects.exists()


def test_the_batch_reads_and_writes_in_as_many_queries_whatever_its_size(
    inv, epi, tree, monkeypatch
):
    """The batch exists for speed: a row more is no query more (``tracing.actions.bulk``).

    Counted without the apps that reach people outside (notices' letter and messaging's message
    per dispatch): they hear each dispatch on its own, a query or a few per dispatch, which is
    theirs to batch, not tracing's.
    """
    outside = ("pingji.notices", "pingji.messaging")
    for kind, handlers in list(events._handlers.items()):
        kept = [h for h in handlers if not h.__module__.startswith(outside)]
        monkeypatch.setitem(events._handlers, kind, kept)

    def queries(n):
        rows = []
        for i in range(n):  # half here, half dispatched to 湖里区
            home = HouseholdFactory(jurisdiction=tree[GRID if i % 2 else HULI_GRID])
            rows.append(
                ContactRow(
                    inv.pk, PersonFactory(household=home).pk, "close_contact", "venue", at(11)
                )
            )
        with CaptureQueriesContext(connection) as captured:
            do_add_contacts_bulk(rows, actor=epi)
        return len(captured)

    queries(2)  # content types and permissions are cached from here on
    assert queries(4) == queries(16)
