"""Project-level pages: the overview, the API docs page and offline-served vendor assets."""

import threading
from functools import cache
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from drf_spectacular.views import SpectacularAPIView

from pingji.core.views.base import focus_code
from pingji.geo.models import Jurisdiction
from pingji.people.models import Household, Person
from pingji.tasks.models import Task


@login_required
def home(request):
    """The overview of the focus jurisdiction: its figures and each lower level's."""
    user, code = request.user, focus_code(request)
    persons = Person.objects.restrict(user).within(code)
    tasks = Task.objects.restrict(user).within(code)
    children = (
        Jurisdiction.objects.restrict(user)
        .filter(parent_id=code or None)
        .only("code", "name", "level", "population")  # a row each: never the boundary
    )
    return render(
        request,
        "home.html",
        {
            "persons": persons.count(),
            "households": Household.objects.restrict(user).within(code).count(),
            "open_tasks": tasks.open().count(),
            "overdue_tasks": tasks.overdue().count(),
            "children": children.order_by("code"),
        },
    )


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, generated one request at a time.

    drf-spectacular loads its extension classes lazily and not thread-safely: two first requests at
    once on a threaded server can fail with a 500 (seen in the browser tests: the docs page and a
    direct fetch raced). Schema generation is rare, so a lock costs nothing that matters.
    """

    _lock = threading.Lock()

    def get(self, request, *args, **kwargs):
        with self._lock:
            return super().get(request, *args, **kwargs)


@login_required
def api_docs(request):
    """A page listing the OpenAPI schema's operations, rendered here (no CDN Swagger UI)."""
    return render(request, "api_docs.html")


@cache
def _plotly_source() -> bytes:
    import plotly

    return (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_bytes()


@cache_control(max_age=86400, public=True)
def plotly_js(request):
    """plotly.js from the installed plotly package itself: charts and maps work offline."""
    return HttpResponse(_plotly_source(), content_type="application/javascript")
