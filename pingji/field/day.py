"""The day a grid worker takes into the field: what the phone caches, and nothing more.

Built from the same scoped reads as the online pages (``restrict`` and the focus), and every
personal value passes through the registry's presentation for this user (``core.personal_data``,
decision 0031): names and addresses as the online lists show them within scope, phones masked,
no identity number, no birth date, no look-up hash. Only the fields a door needs are sent.
"""

import datetime

from django.db.models import Case, Exists, IntegerField, OuterRef, Value, When

from pingji.core import clock
from pingji.core import personal_data as pd
from pingji.people.models import Person
from pingji.quarantine import schedule
from pingji.quarantine.choices import CheckSource, Setting, Symptom
from pingji.quarantine.models import MonitoringCheck, Placement
from pingji.tasks.choices import OWNER_STATUSES, TaskKind
from pingji.tasks.models import Task
from pingji.testing import store
from pingji.testing.actions.uploads import applied_ids
from pingji.testing.views import rounds_covering

from . import keys
from .choices import DoorOutcome, ReminderOutcome

#: The most people of each list a phone keeps: a grid has up to about 2,000 residents.
MAX_PEOPLE = 2000
#: The most open tasks a phone keeps.
MAX_TASKS = 500


def build(user, focus: str, on: datetime.date | None = None) -> dict:
    """The day's lists for ``user`` looking at ``focus`` (their grid), as plain JSON values."""
    on = on or clock.today()
    return {
        "day": on.isoformat(),
        "made_at": clock.now().isoformat(),
        "expires_at": keys.expires_at(on).isoformat(),
        "monitoring": monitoring(user, focus, on),
        "tasks": tasks(user),
        "untested": untested(user, focus),
        "symptoms": [[s.value, str(s.label)] for s in Symptom],
        "door_outcomes": [[o.value, str(o.label)] for o in DoorOutcome],
        "reminder_outcomes": [[o.value, str(o.label)] for o in ReminderOutcome],
    }


def monitoring(user, focus: str, on: datetime.date) -> list[dict]:
    """People at home under monitoring in the focus, in the order of the online list (overdue
    first, then tests due, then check-ins to do, then those done), as ``TodayView`` reads them."""
    rows = schedule.active_on(Placement.objects.restrict(user).within(focus), on).filter(
        setting=Setting.HOME
    )
    rank = Case(
        When(schedule.overdue_q(on), then=Value(0)),
        When(next_test_on=on, then=Value(1)),
        When(last_check_on=on, then=Value(3)),
        default=Value(2),
        output_field=IntegerField(),
    )
    self_reported = MonitoringCheck.objects.filter(
        placement=OuterRef("pk"), on=on, source=CheckSource.SELF
    )
    rows = rows.annotate(rank=rank, self_reported=Exists(self_reported))
    rows = rows.order_by("rank", "person__household__address", "id")
    fields = (
        *("id", "rank", "person__name", "person__household__address", "planned_end_on"),
        *("next_test_on", "last_check_on", "self_reported"),
    )
    return [
        {
            "placement": r["id"],
            "name": pd.present(user, pd.Kind.NAME, r["person__name"]),
            "address": pd.present(user, pd.Kind.ADDRESS, r["person__household__address"]) or "",
            "end": r["planned_end_on"].isoformat(),
            "overdue": r["rank"] == 0,
            "test_due": r["next_test_on"].isoformat()
            if r["next_test_on"] and r["next_test_on"] <= on
            else "",
            "checked": r["last_check_on"] == on,
            "self_reported": r["self_reported"],
        }
        for r in rows.values(*fields)[:MAX_PEOPLE]
    ]


def tasks(user) -> list[dict]:
    """The user's open work that takes evidence (their inbox, as the home's "my tasks")."""
    rows = (
        Task.objects.restrict(user)
        .inbox(user)
        .filter(status__in=OWNER_STATUSES)
        .order_by("deadline", "id")
    )
    return [
        {
            "task": r["id"],
            "kind": r["kind"],
            "door": r["kind"] == TaskKind.DOOR_CHECK,
            "title": r["title"],
            "description": (r["description"] or "")[:300],
            "deadline": r["deadline"].isoformat(),
        }
        for r in rows.values("id", "kind", "title", "description", "deadline")[:MAX_TASKS]
    ]


def untested(user, focus: str) -> list[dict]:
    """Residents of the focus not yet sampled, per open round covering it (the door-to-door list
    of ``testing.views.UntestedView``)."""
    found = []
    for round in rounds_covering(user, focus):
        con = store.open_round(round.pk, applied_ids())
        try:
            rows = store.untested(con, focus, limit=MAX_PEOPLE)
        finally:
            con.close()
        people = (
            Person.objects.restrict(user)
            .filter(pk__in=[p for p, _h in rows])
            .order_by("household__address", "name")
            .values("id", "name", "household__address", "phone_masked")
        )
        found.append(
            {
                "round": round.pk,
                "label": str(round),
                "people": [
                    {
                        "person": p["id"],
                        "name": pd.present(user, pd.Kind.NAME, p["name"]),
                        "address": pd.present(user, pd.Kind.ADDRESS, p["household__address"]) or "",
                        "phone": pd.present(user, pd.Kind.PHONE, p["phone_masked"]) or "",
                    }
                    for p in people
                ],
            }
        )
    return found
