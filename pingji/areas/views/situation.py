"""The situation as of a day: the community-transmission indicator and the map of the areas in
force (with the checkpoints), both for the user's focus."""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import render

from pingji.core import as_of
from pingji.core.views.base import focus_code
from pingji.geo.map import boundary_features
from pingji.geo.models import Jurisdiction

from ..extent import day_end
from ..forms import AsOfForm
from ..indicator import community_transmission, window_days
from ..levels import in_force_at, level_order
from ..models import Checkpoint


def _as_of(request) -> datetime.date:
    """The page's own ``?on=`` day, else the day the header keeps (``core.as_of``)."""
    form = AsOfForm(request.GET)
    return as_of.day_shown(request, (form.is_valid() and form.cleaned_data["on"]) or None)


@login_required
def indicator(request):
    """Infections found inside control vs in the community, by city or county, as of a day."""
    if not request.user.has_perm("areas.view_riskarea"):
        raise PermissionDenied
    on = _as_of(request)
    code = focus_code(request)
    return render(
        request,
        "areas/indicator.html",
        {
            "rows": community_transmission(code, on),
            "on": on,
            "window": window_days(),
            "form": AsOfForm(initial={"on": on}),
        },
    )


@login_required
def map_page(request):
    if not request.user.has_perm("areas.view_riskarea"):
        raise PermissionDenied
    on = _as_of(request)
    return render(request, "areas/map.html", {"on": on, "form": AsOfForm(initial={"on": on})})


#: Level colours by order in the protocol: strictest red, then orange, then yellow.
COLOURS = {1: "#c0392b", 2: "#e67e22", 3: "#d4ac0d"}
CHECKPOINT_COLOURS = {"active": "#2c3e50", "relaxed": "#7f8c8d", "lifted": "#bdc3c7"}


@login_required
def map_data(request):
    """Boundaries of the focus, with the areas in force at the end of ``?on=`` and checkpoints."""
    if not request.user.has_perm("areas.view_riskarea"):
        raise PermissionDenied
    on = _as_of(request)
    code = focus_code(request)
    visible = Jurisdiction.objects.restrict(request.user)
    at = day_end(on) - datetime.timedelta(seconds=1)
    areas, levels = in_force_at(at, within=code)
    areas = areas.restrict(request.user).prefetch_related("places", "jurisdictions")
    points = []
    for area in areas:
        level = levels[area.pk]
        order = level_order(area.protocol_id, level)[0]
        spots = [(p.lon, p.lat) for p in area.places.all() if p.lon is not None]
        spots += [(j.center_lon, j.center_lat) for j in area.jurisdictions.all() if j.center_lon]
        for lon, lat in spots:
            points.append(
                {
                    "lon": lon,
                    "lat": lat,
                    "name": area.name,
                    "level": level,
                    "color": COLOURS.get(order, "#2980b9"),
                    "url": area.get_absolute_url(),
                }
            )
    stations = []
    for c in Checkpoint.objects.restrict(request.user).within(code).select_related("place"):
        if c.place and c.place.lon is not None and c.since <= at:
            stations.append(
                {
                    "lon": c.place.lon,
                    "lat": c.place.lat,
                    "name": c.name,
                    "status": c.status,
                    "color": CHECKPOINT_COLOURS[c.status],
                    "url": c.get_absolute_url(),
                }
            )
    return JsonResponse(
        {
            "on": on.isoformat(),
            "boundaries": boundary_features(visible, code),
            "areas": points,
            "checkpoints": stations,
        }
    )
