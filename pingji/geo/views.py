"""Jurisdiction and place pages, the switcher, and the offline boundary map."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from pingji.core.views.base import (
    FOCUS_SESSION_KEY,
    ScopedDetailView,
    ScopedListView,
    focus_code,
    safe_next,
)

from .filtersets import JurisdictionFilterSet, PlaceFilterSet
from .map import boundary_features
from .models import Jurisdiction, Place
from .tables import JurisdictionTable, PlaceTable


class JurisdictionListView(ScopedListView):
    model = Jurisdiction
    table = JurisdictionTable
    filterset_class = JurisdictionFilterSet
    template_name = "geo/jurisdiction_list.html"

    def get_queryset(self):
        qs = super().get_queryset().defer("boundary")
        if not self.request.GET:  # default view: the focus and the level right below it
            code = focus_code(self.request)
            qs = qs.filter(parent_id=code) if code else qs.filter(parent__isnull=True)
        return qs


class JurisdictionDetailView(ScopedDetailView):
    model = Jurisdiction
    template_name = "geo/jurisdiction_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["children"] = self.object.children.defer("boundary").order_by("code")
        ctx["place_count"] = (
            Place.objects.restrict(self.request.user).within(self.object.code).count()
        )
        return ctx


class PlaceListView(ScopedListView):
    model = Place
    table = PlaceTable
    filterset_class = PlaceFilterSet
    select_related = ("jurisdiction",)


class PlaceDetailView(ScopedDetailView):
    model = Place
    template_name = "geo/place_detail.html"


@require_POST
@login_required
def set_focus(request):
    """The jurisdiction switcher: look at a lower level of one's own area, never above it."""
    code = request.POST.get("code", "")
    if code and not Jurisdiction.objects.restrict(request.user).filter(code=code).exists():
        raise Http404
    request.session[FOCUS_SESSION_KEY] = code
    return redirect(safe_next(request, "/"))


@login_required
def map_data(request):
    """GeoJSON of the boundaries below the focus (or ``?code=``), within the user's area."""
    code = request.GET.get("code") or focus_code(request)
    visible = Jurisdiction.objects.restrict(request.user)
    if code and not visible.filter(code=code).exists():
        raise Http404
    return JsonResponse(boundary_features(visible, code))
