"""Project-level pages: each role's home, the API docs page and offline-served vendor assets."""

import gzip
import threading
from functools import cache
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.vary import vary_on_headers
from drf_spectacular.views import SpectacularAPIView

from pingji.homes import home_of


@login_required
def home(request):
    """The user's home: what their role must do today (``pingji.homes``)."""
    template, context = home_of(request)
    return render(request, template, context)


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


@cache
def _plotly_gzipped() -> bytes:
    return gzip.compress(_plotly_source(), compresslevel=6)


@cache_control(max_age=86400, public=True)
@vary_on_headers("Accept-Encoding")
def plotly_js(request):
    """plotly.js from the installed plotly package itself: charts and maps work offline. Sent
    gzipped to a browser that accepts it (1.5 of its 4.8 MB), compressed once a
    process; only the pages that draw a chart load it (``tests/test_page_weight.py``)."""
    if "gzip" not in request.headers.get("Accept-Encoding", ""):
        return HttpResponse(_plotly_source(), content_type="application/javascript")
    response = HttpResponse(_plotly_gzipped(), content_type="application/javascript")
    response["Content-Encoding"] = "gzip"
    return response
