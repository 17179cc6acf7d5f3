"""Checkpoint pages, the community-transmission indicator and the map of areas as of a date."""

import datetime

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy

from pingji.core.events import events_for
from pingji.core.views import FormStepView, ScopedDetailView, ScopedListView, focus_code
from pingji.geo.map import boundary_features
from pingji.geo.models import Jurisdiction

from . import checkpoints as actions
from .extent import day_end
from .filtersets import CheckpointFilterSet
from .forms import AsOfForm, CheckpointDayForm, CheckpointForm, LiftingStepForm
from .indicator import community_transmission, window_days
from .levels import in_force_at, level_order
from .models import Checkpoint, LiftingStep
from .tables import CheckpointTable
from .views import ActionFormView


class CheckpointListView(ScopedListView):
    model = Checkpoint
    table = CheckpointTable
    filterset_class = CheckpointFilterSet
    select_related = ("jurisdiction",)
    template_name = "areas/checkpoint_list.html"


class CheckpointCreateView(ActionFormView):
    permission_required = "areas.add_checkpoint"
    form_class = CheckpointForm
    title = gettext_lazy("Set up a checkpoint")
    button = gettext_lazy("Save")
    success_message = gettext_lazy("Checkpoint set up.")
    cancel_url_name = "areas:checkpoint_list"
    many = ("areas",)

    def act(self, data):
        return actions.do_create_checkpoint(actor=self.request.user, **data)


def checkpoint_context(request, checkpoint: Checkpoint, **forms) -> dict:
    user = request.user
    steps = list(checkpoint.steps.order_by("sequence"))
    can_change = user.has_perm("areas.change_checkpoint")
    ctx = {
        "object": checkpoint,
        "days": checkpoint.days.order_by("-day")[:31],
        "steps": [(s, *actions.step_readiness(s)) for s in steps],
        "areas": checkpoint.areas.all(),
        "events": events_for(checkpoint).restrict(user, "view").select_related("actor"),
        "day_form": CheckpointDayForm() if user.has_perm("areas.add_checkpointday") else None,
        "step_form": LiftingStepForm() if user.has_perm("areas.add_liftingstep") else None,
        "can_take": can_change,
    }
    ctx.update(forms)
    return ctx


class CheckpointDetailView(ScopedDetailView):
    model = Checkpoint
    template_name = "areas/checkpoint_detail.html"

    def get_context_data(self, **kwargs):
        return checkpoint_context(self.request, self.object)


class _CheckpointStep(PermissionRequiredMixin, FormStepView):
    model = Checkpoint

    def render_invalid(self, obj, form):
        context = checkpoint_context(self.request, obj, **{self.form_name: form})
        return render(self.request, "areas/checkpoint_detail.html", context, status=400)


class CheckpointDayView(_CheckpointStep):
    permission_required = "areas.add_checkpointday"
    form_name = "day_form"
    success_message = gettext_lazy("Day recorded.")

    def make_form(self, data, files):
        return CheckpointDayForm(data)

    def perform(self, obj, form):
        actions.do_record_checkpoint_day(obj, actor=self.request.user, **form.cleaned_data)


class LiftingStepCreateView(_CheckpointStep):
    permission_required = "areas.add_liftingstep"
    form_name = "step_form"
    success_message = gettext_lazy("Step planned.")

    def make_form(self, data, files):
        return LiftingStepForm(data)

    def perform(self, obj, form):
        actions.do_plan_lifting_step(obj, actor=self.request.user, **form.cleaned_data)


class TakeStepView(PermissionRequiredMixin, FormStepView):
    model = LiftingStep
    permission_required = "areas.change_checkpoint"
    success_message = gettext_lazy("Step taken.")
    refusals = (ValidationError,)

    def make_form(self, data, files):
        from django import forms

        return forms.Form(data)

    def perform(self, obj, form):
        actions.do_take_lifting_step(obj, actor=self.request.user)

    def page_of(self, obj):
        return obj.checkpoint

    def render_invalid(self, obj, form):  # the empty form is always valid
        return redirect(obj.checkpoint)


def _as_of(request) -> datetime.date:
    form = AsOfForm(request.GET)
    return (form.is_valid() and form.cleaned_data["on"]) or timezone.localdate()


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
