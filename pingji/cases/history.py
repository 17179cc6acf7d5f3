"""A case's fields as they stood at a moment, rebuilt from the change log (decision 0030, item 3).

A figure "as of day D" reads only what was recorded before D+1 00:00 Asia/Shanghai, with the values
rows had then: a case whose onset was corrected, or that was confirmed, after D must count on D as
it stood on D. The case row holds the values as they stand now; how they came to be is in the
generic change log (``core.audit``): every save or ``update()`` of a case writes an
``ObjectChange`` with the fields as they were (``before``) and as they became (``after``), as JSON
(``DjangoJSONEncoder``: a date is ``"2021-09-10"``, a time ISO 8601 with milliseconds), stamped
with its record time (``ObjectChange.time``, which the demo back-dates with its writes).

The state at a moment ``m`` is the create's ``after`` overlaid with each later update's ``after``
up to ``m``; it is read here from the other end, which gives the same state when the log is
complete and costs less: the row as it stands, with every logged change of the fields recorded
at or after ``m`` undone (its ``before`` put back), newest first. So only the changes after ``m``
are read (few, for a recent day), and a row whose creation was logged once per statement (a
load, ``core.audit.loading``) or out of time order (the demo's line list, whose creations are
stamped at install time while its reclassifications are back-dated) still has its history.

What is not in the log cannot be rebuilt: a write that bypassed it (``core.rows.update``) is
taken as it stands. Whether a row *existed* at ``m`` is for the caller to decide by its own
record times (a link's ``recorded_at``, a case's report): a case created after ``m`` is given
with the values it was created with, updated by nothing.

Every function reads many cases in a fixed number of queries (ids in chunks under SQLite's limit on
a statement's variables), never one query per case.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from pingji.core.choices import ChangeAction
from pingji.core.models import ObjectChange

from .models import Case

#: Ids per query, under SQLite's limit on a statement's variables (as ``core.audit.CHUNK``).
CHUNK = 5000

State = dict[str, Any]


@dataclass(frozen=True)
class Change:
    """One logged update of a case, reduced to the asked fields it changed (as Python values)."""

    case_id: int
    change_id: int
    time: datetime.datetime
    before: State
    after: State


def _content_type() -> ContentType:
    return ContentType.objects.get_for_model(Case, for_concrete_model=False)


def _python(name: str, value: Any) -> Any:
    """A value of the change log's JSON as the field holds it (a date from its ISO string)."""
    field = Case._meta.get_field(name)
    if not isinstance(field, models.Field):  # a reverse relation keeps no column
        raise ValueError(f"{name} is not a column of a case")
    return field.to_python(value)


def _check_fields(fields: Sequence[str]) -> list[str]:
    """The column names (``attname``) of ``fields``, as ``core.audit.snapshot`` keys the log."""
    names = []
    for name in fields:
        field = Case._meta.get_field(name)
        if not isinstance(field, models.Field) or not field.concrete:
            raise ValueError(f"{name} is not a column of a case")
        names.append(field.attname)
    if not names:
        raise ValueError("name at least one field")
    return names


def _chunks(ids: Sequence[int]) -> Iterable[list[str]]:
    for start in range(0, len(ids), CHUNK):
        yield [str(pk) for pk in ids[start : start + CHUNK]]


def changes(
    fields: Sequence[str],
    *,
    cases: Iterable[int] | None = None,
    within: str | None = None,
    since: datetime.datetime | None = None,
) -> list[Change]:
    """The logged updates that changed any of ``fields`` of the cases, oldest first (by id).

    ``cases``: their ids (None: every case); ``within``: only cases of that jurisdiction subtree
    (the log keeps each row's code); ``since``: only changes recorded at or after that moment,
    all that ``rewind`` to a moment not before it needs. A logged change of a field is one whose
    ``before`` and ``after`` differ there: a save writes the whole row, changed or not.
    """
    names = _check_fields(fields)
    rows = ObjectChange.objects.filter(content_type=_content_type(), action=ChangeAction.UPDATE)
    if within:
        rows = rows.subtree(within)
    if since is not None:
        rows = rows.filter(time__gte=since)
    columns = ("id", "object_id", "time", "before", "after")
    if cases is None:
        found = list(rows.order_by("id").values_list(*columns))
    else:
        ids = sorted(set(cases))
        found = [
            row
            for chunk in _chunks(ids)
            for row in rows.filter(object_id__in=chunk).order_by().values_list(*columns)
        ]
        found.sort()
    out = []
    for change_id, object_id, time, before, after in found:
        before, after = before or {}, after or {}
        changed = [f for f in names if f in before and before.get(f) != after.get(f)]
        if not changed or not str(object_id).isdigit():  # a load's entry names no row
            continue
        out.append(
            Change(
                case_id=int(object_id),
                change_id=change_id,
                time=time,
                before={f: _python(f, before[f]) for f in changed},
                after={f: _python(f, after.get(f)) for f in changed},
            )
        )
    return out


def rewind(
    current: Mapping[int, State], logged: Sequence[Change], moment: datetime.datetime
) -> dict[int, State]:
    """The states of ``current`` (case id → field → value now) as they stood at ``moment``: every
    change of ``logged`` recorded at or after it undone, newest first. Pure; cases without such a
    change are given as they are."""
    out = {pk: dict(state) for pk, state in current.items()}
    for change in sorted(logged, key=lambda c: c.change_id, reverse=True):
        if change.time < moment or change.case_id not in out:
            continue
        state = out[change.case_id]
        for name, value in change.before.items():
            if name in state:
                state[name] = value
    return out


def current_values(cases: Iterable[int], fields: Sequence[str]) -> dict[int, State]:
    """Case id → ``fields`` as the rows stand now (cases that no longer exist are left out)."""
    names = _check_fields(fields)
    ids = sorted(set(cases))
    out: dict[int, State] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        for row in Case.objects.filter(pk__in=chunk).values("pk", *names):
            out[row.pop("pk")] = row
    return out


def values_at(
    cases: Iterable[int],
    fields: Sequence[str],
    moment: datetime.datetime,
    *,
    current: Mapping[int, State] | None = None,
) -> dict[int, State]:
    """Case id → the value of each of ``fields`` as it stood at ``moment`` (module docstring).

    ``current``: the values as they stand now when the caller has read them already (e.g. in the
    join it needed anyway), else they are read here. Two queries for any number of cases.
    """
    ids = list(cases) if current is None else list(current)
    now = current if current is not None else current_values(ids, fields)
    return rewind(now, changes(fields, cases=ids, since=moment), moment)


class Timeline:
    """The values of some cases' fields at any of many moments, from one read of their changes.

    For a caller asking about every day of a period (the serial interval of each day): the rows
    and their changes since the earliest moment are read once, and ``at`` rewinds in memory.
    """

    def __init__(
        self,
        cases: Iterable[int],
        fields: Sequence[str],
        since: datetime.datetime | None = None,
        *,
        current: Mapping[int, State] | None = None,
    ):
        ids = list(cases) if current is None else list(current)
        self.since = since
        self.current = dict(current) if current is not None else current_values(ids, fields)
        self.logged = changes(fields, cases=ids, since=since)
        self._changed = {c.case_id for c in self.logged}

    def at(self, moment: datetime.datetime) -> dict[int, State]:
        """Case id → state at ``moment`` (not before ``since``: earlier changes were not read)."""
        if self.since is not None and moment < self.since:
            raise ValueError("the timeline was read from a later moment")
        touched = {pk: self.current[pk] for pk in self._changed if pk in self.current}
        rewound = rewind(touched, self.logged, moment)
        return {pk: rewound.get(pk, state) for pk, state in self.current.items()}
