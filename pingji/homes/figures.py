"""A figure on a home: a count with the link to the list it counts, counted by that very list.

A home repeats numbers that pages elsewhere show (overdue tasks, unanswered dispatches, proposals
awaiting approval). Counting them again with a query of our own would drift the day someone
changes the list's filter or scope; instead ``listed`` asks the list view itself for its queryset,
with the query string the link carries, so the figure and the list agree by construction.
"""

import copy
from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pingji.core import clock
from pingji.quarantine import schedule
from pingji.quarantine.choices import Setting
from pingji.quarantine.models import Placement
from pingji.quarantine.views.placements import MAX_CARDS
from pingji.tasks.models import Task
from pingji.tasks.views.work import TaskListView


@dataclass(frozen=True)
class Figure:
    """``key`` names the figure in the page (``data-key``), for readers and tests alike."""

    key: str
    label: str
    count: int
    url: str
    urgent: bool = False  # a non-zero count is something late: shown in red

    @property
    def alarm(self) -> bool:
        return self.urgent and self.count > 0


def list_queryset(request, view_class, **params):
    """The rows the list view ``view_class`` shows to this request's user with ``params`` as its
    query string: its own ``get_queryset`` (scope, focus, filters), before pagination."""
    probe = copy.copy(request)
    probe.GET = _query(params)
    view = view_class()
    view.setup(probe)
    return view.get_queryset()


def listed(request, view_class, url_name: str, key: str, label, *, urgent=False, **params):
    """The ``Figure`` of the list ``url_name`` filtered by ``params``, and its link."""
    query = _query(params)
    url = reverse(url_name) + (f"?{query.urlencode()}" if params else "")
    count = list_queryset(request, view_class, **params).count()
    return Figure(key, str(label), count, url, urgent)


def _query(params: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for name, value in params.items():
        query[name] = value
    return query


def overdue_tasks(request) -> Figure:
    """Overdue tasks below the user, as the task list's own overdue filter counts them."""
    return listed(
        request,
        TaskListView,
        "tasks:task_list",
        "tasks-overdue",
        _("overdue tasks"),
        urgent=True,
        overdue="true",
    )


def inbox(request, labels: tuple) -> list[Figure]:
    """My open tasks and the overdue ones among them, as the inbox (``tasks:inbox``) counts them
    in its heading: assigned to me, unassigned in my jurisdiction or escalated to it."""
    user, now = request.user, clock.now()
    counts = (
        Task.objects.restrict(user)
        .inbox(user)
        .aggregate(n=Count("pk"), late=Count("pk", filter=Q(deadline__lt=now)))
    )
    url = reverse("tasks:inbox")
    return [
        Figure("my-tasks", str(labels[0]), counts["n"], url),
        Figure("my-overdue", str(labels[1]), counts["late"], url, urgent=True),
    ]


def home_monitoring(request, focus: str, labels: tuple) -> list[Figure]:
    """The home-monitoring list of today (``quarantine:today``): the people on it, those overdue
    and those with a test due, as the list marks them (it shows at most ``MAX_CARDS``)."""
    on = clock.today()
    rows = schedule.active_on(Placement.objects.restrict(request.user).within(focus), on).filter(
        setting=Setting.HOME
    )
    counts = rows.aggregate(
        n=Count("pk"),
        late=Count("pk", filter=schedule.overdue_q(on)),
        tests=Count("pk", filter=Q(next_test_on__lte=on)),
    )
    url = reverse("quarantine:today")
    return [
        Figure("at-home", str(labels[0]), min(counts["n"], MAX_CARDS), url),
        Figure("at-home-overdue", str(labels[1]), counts["late"], url, urgent=True),
        Figure("at-home-tests", str(labels[2]), counts["tests"], url),
    ]
