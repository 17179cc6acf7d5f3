"""The grid worker's home: their grid's home-monitoring list of today and the door-to-door
checks to make, with the way to register a resident found at a door."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pingji.core.views.base import focus_code
from pingji.tasks.choices import TaskKind
from pingji.tasks.views.work import TaskListView

from .figures import home_monitoring, inbox, listed


def build(request) -> dict:
    user = request.user
    return {
        "monitoring": home_monitoring(
            request,
            focus_code(request),
            (_("people to visit today"), _("overdue"), _("tests due today")),
        ),
        "doors": [
            listed(
                request,
                TaskListView,
                "tasks:task_list",
                "door-checks",
                _("door checks to make"),
                kind=TaskKind.DOOR_CHECK.value,
                mine="true",
            )
        ],
        "work": inbox(request, (_("my open tasks"), _("of them overdue"))),
        # the day's lists on the phone, kept for use without a network (docs/field.md)
        "field_url": reverse("field:app"),
        "register_url": reverse("people:person_create")
        if user.has_perm("people.add_person")
        else "",
    }
