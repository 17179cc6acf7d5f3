"""Checkpoint pages: the list, setting one up, its page with the daily records and the lifting
plan, and taking a planned step."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy

from pingji.core.events import events_for
from pingji.core.views.base import FormStepView, ScopedDetailView, ScopedListView

from ..actions import checkpoints
from ..filtersets import CheckpointFilterSet
from ..forms import CheckpointDayForm, CheckpointForm, LiftingStepForm
from ..models import Checkpoint, LiftingStep
from ..tables import CheckpointTable
from .areas import ActionFormView


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
        return checkpoints.do_create_checkpoint(actor=self.request.user, **data)


def checkpoint_context(request, checkpoint: Checkpoint, **forms) -> dict:
    user = request.user
    steps = list(checkpoint.steps.order_by("sequence"))
    can_change = user.has_perm("areas.change_checkpoint")
    ctx = {
        "object": checkpoint,
        "days": checkpoint.days.order_by("-day")[:31],
        "steps": [(s, *checkpoints.step_readiness(s)) for s in steps],
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
        checkpoints.do_record_checkpoint_day(obj, actor=self.request.user, **form.cleaned_data)


class LiftingStepCreateView(_CheckpointStep):
    permission_required = "areas.add_liftingstep"
    form_name = "step_form"
    success_message = gettext_lazy("Step planned.")

    def make_form(self, data, files):
        return LiftingStepForm(data)

    def perform(self, obj, form):
        checkpoints.do_plan_lifting_step(obj, actor=self.request.user, **form.cleaned_data)


class TakeStepView(PermissionRequiredMixin, FormStepView):
    model = LiftingStep
    permission_required = "areas.change_checkpoint"
    success_message = gettext_lazy("Step taken.")
    refusals = (ValidationError,)

    def make_form(self, data, files):
        from django import forms

        return forms.Form(data)

    def perform(self, obj, form):
        checkpoints.do_take_lifting_step(obj, actor=self.request.user)

    def page_of(self, obj):
        return obj.checkpoint

    def render_invalid(self, obj, form):  # the empty form is always valid
        return redirect(obj.checkpoint)
