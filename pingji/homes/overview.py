"""The overview: the home of a role without a day of its own (administrator, auditor) — the
focus jurisdiction's figures and each lower level's."""

from pingji.core.views.base import focus_code
from pingji.geo.models import Jurisdiction
from pingji.people.models import Household, Person
from pingji.tasks.models import Task

from .figures import overdue_tasks


def build(request) -> dict:
    user, code = request.user, focus_code(request)
    children = (
        Jurisdiction.objects.restrict(user)
        .filter(parent_id=code or None)
        .only("code", "name", "level", "population")  # a row each: never the boundary
    )
    return {
        "persons": Person.objects.restrict(user).within(code).count(),
        "households": Household.objects.restrict(user).within(code).count(),
        "open_tasks": Task.objects.restrict(user).within(code).open().count(),
        "overdue": overdue_tasks(request),
        "children": children.order_by("code"),
    }
