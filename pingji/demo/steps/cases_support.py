"""Support of the replay's cases: writing at historical times, acting as the county
epidemiologists, and handing out residents.

``Backdate`` is shared by every demo step that writes through actions (areas, reopening…).
"""

import bisect
import contextlib
import datetime
from collections import defaultdict

from django.db.models import Q
from django.utils import timezone

from pingji.core import clock
from pingji.core.models import DomainEvent, ObjectChange
from pingji.core.rows import update
from pingji.geo.models import Jurisdiction
from pingji.people.actions.persons import do_create_person
from pingji.people.identity import compose_id_number
from pingji.people.models import Person
from pingji.tasks.models import Task
from pingji.users.choices import Role
from pingji.users.models import User

OUTBREAK_DAY = datetime.date(2021, 9, 10)
TZ = timezone.get_fixed_timezone(8 * 60)  # Asia/Shanghai has had no DST since 1991


class Backdate:
    """Write what actions write "at" a historical time.

    Actions stamp their domain events, change-log rows and tasks with the wall clock. Each
    ``with backdate.at(when):`` block notes the wall-clock window it ran in; :meth:`apply` then
    moves every row stamped inside a window to that window's historical time, inside the caller's
    transaction. Other demo steps may use it the same way.
    """

    #: (model, field) stamped with the wall clock by actions.
    STAMPS = (
        (DomainEvent, "time"),
        (ObjectChange, "time"),
        (Task, "created_at"),
        (Task, "verified_at"),
    )

    def __init__(self):
        self.windows: list[tuple[datetime.datetime, datetime.datetime, datetime.datetime]] = []

    @contextlib.contextmanager
    def at(self, when: datetime.datetime):
        began = clock.now()
        yield
        self.windows.append((began, clock.now(), when))

    def apply(self) -> None:
        """Move every row stamped inside a window to its time: one read and a few bulk updates
        per table (``demo.rows.update`` writes by primary key, without signals)."""
        if not self.windows:
            return
        starts = [began for began, _ended, _when in self.windows]
        for model, name in self.STAMPS:
            moved = []
            rows = model.objects.filter(**{f"{name}__gte": starts[0]}).only("pk", name)
            for row in rows.iterator(chunk_size=2000):
                stamp = getattr(row, name)
                i = bisect.bisect_right(starts, stamp) - 1
                if i >= 0 and stamp <= self.windows[i][1]:
                    setattr(row, name, self.windows[i][2])
                    moved.append(row)
            update(model, moved, [name])
        self.windows.clear()


def demo_actors(counties):
    """``actor(county)``: the county epidemiologist the replay acts as, the demo account (made
    here for a test that has none), read once per county."""
    for county in counties:
        User.objects.get_or_create(
            username=f"{county}-epidemiologist",
            defaults={"role": Role.EPIDEMIOLOGIST, "jurisdiction_id": county},
        )
    cache: dict[str, User] = {}

    def actor(county: str) -> User:
        if county not in cache:
            cache[county] = User.objects.get(username=f"{county}-epidemiologist")
        return cache[county]

    return actor


class Residents:
    """The synthetic residents of the outbreak's counties, handed out once each."""

    def __init__(self, rng, counties, actor_for):
        self.rng, self.actor_for = rng, actor_for
        self.pool: dict[str, list[tuple]] = {}
        self.used: set[int] = set()
        self.by_household: dict[int, list[int]] = defaultdict(list)
        self.info: dict[int, tuple] = {}
        within = Q()
        for county in counties:
            within |= Q(jurisdiction__code__startswith=county)
        rows = (
            Person.objects.filter(within)
            .order_by("id")
            .values_list("id", "birth_date", "household_id", "jurisdiction_id")
        )
        for pid, birth, household, grid in rows:
            self.pool.setdefault(grid[:6], []).append((pid, birth, household, grid))
            self.info[pid] = (birth, household, grid)
            if household:
                self.by_household[household].append(pid)
        for people in self.pool.values():
            rng.shuffle(people)
        self.extra = 0

    @staticmethod
    def age(birth) -> int:
        return (OUTBREAK_DAY - birth).days // 365 if birth else 35

    def take(self, county: str, ages=(0, 120), prefer: str = "") -> int:
        """A free resident of the county in the age band, from ``prefer`` (a code) if any."""
        people = self.pool.get(county, [])
        for strict in (True, False):
            for pid, birth, _household, grid in people:
                if pid in self.used:
                    continue
                if strict and not (
                    ages[0] <= self.age(birth) <= ages[1] and grid.startswith(prefer)
                ):
                    continue
                if not strict and not ages[0] <= self.age(birth) <= ages[1]:
                    continue
                self.used.add(pid)
                return pid
        for pid, *_rest in people:
            if pid not in self.used:
                self.used.add(pid)
                return pid
        return self._register(county, ages)

    def household_member(self, household: int | None) -> int | None:
        for pid in self.by_household.get(household, ()) if household else ():
            if pid not in self.used:
                self.used.add(pid)
                return pid
        return None

    def _register(self, county: str, ages) -> int:
        """A county whose synthetic residents ran out (tiny scales) registers one more."""
        grid = (
            Jurisdiction.objects.filter(code__startswith=county, level="grid")
            .order_by("code")
            .first()
        )
        age = min(max(ages[0], 8), ages[1])
        birth = datetime.date(2021 - age, 1 + self.extra % 12, 1 + self.extra % 28)
        for serial in range(900, 1000):
            number = compose_id_number(county, birth, serial)
            if not Person.objects.with_id_number(number).exists():
                break
        self.extra += 1
        person = do_create_person(
            actor=self.actor_for(county),
            name=f"陈{'伟芳'[serial % 2]}{self.extra}",
            id_number=number,
            jurisdiction=grid,
        )
        self.used.add(person.pk)
        self.info[person.pk] = (person.birth_date, None, person.jurisdiction_id)
        return person.pk
