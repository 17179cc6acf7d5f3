"""Messaging rows for the shared permission suite, written as the outbox writes them."""

import itertools

from pingji.messaging.choices import Channel, RecipientKind
from pingji.messaging.models import Message, OptOut
from pingji.people.tests.factories import HouseholdFactory, PersonFactory

_keys = itertools.count(1)


def _message(grid) -> Message:
    person = PersonFactory.create(household=HouseholdFactory(jurisdiction=grid))
    n = next(_keys)
    return Message.objects.create(
        jurisdiction_code=grid.code,
        recipient_kind=RecipientKind.PERSON,
        person=person,
        channel=Channel.SMS,
        template="quarantine.test_due",
        fields={"person": "林**", "due_on": "2021年9月25日"},
        cause=f"test:{n}",
        dedup_key=f"test:{n}:person:{person.pk}",
    )


def _opt_out(grid) -> OptOut:
    person = PersonFactory.create(household=HouseholdFactory(jurisdiction=grid))
    return OptOut.objects.create(
        jurisdiction_code=grid.code,
        recipient_kind=RecipientKind.PERSON,
        recipient_id=str(person.pk),
        channel=Channel.SMS,
        source="door",
    )


SCOPED_FACTORIES = {Message: _message, OptOut: _opt_out}
