"""Reopening's writes: one transaction each, a domain event each, scope re-checked before commit.

One module per family of writes; callers import from the module that holds the action:

- ``registry``: registering and correcting establishments, their people, closing one; and the
  steps every module shares (the row lock, the status move kept in ``StatusChange``);
- ``resumption``: applying with the protocol's checklist, inspection, approval, pauses, and the
  decision on an alert raised by a case;
- ``surveys``: survey campaigns (主动摸排) and their answers;
- ``liaison``: one policy per enterprise (一企一策), problems handed to departments, targets;
- ``imports``: the Excel imports of the registry and of survey returns (read and checked by
  ``reopening.workbooks`` first).

Refusals follow the house pattern: ``ValidationError`` keyed by field for bad input or a step the
status does not allow (400), ``PermissionDenied`` for anything outside the actor's area (404).
Every step that moves an establishment writes a ``StatusChange`` (the status history the progress
view counts) through ``registry._move``. A step given ``at`` (a replay, an answer typed later)
dates its event by it, and the event's record time is the clock's (decision 0030).
"""
