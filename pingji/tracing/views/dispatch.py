"""Dispatch pages: the inbox of what the area must work and the status of what it sent.

Lists and details read through ``restrict`` (the sender's view included, decision 0008); the
receiver's forms post to ``FormStepView`` steps checked against ``restrict(user, "respond")``, so a
sender who opens a dispatch it sent sees its status and no form, and a forged POST is a 404.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from pingji.core.events import events_for
from pingji.core.forms import add_action_errors
from pingji.core.views.base import FormStepView, ScopedDetailView, ScopedListView

from ..actions.dispatch_answers import (
    do_acknowledge_dispatch,
    do_export_dispatches,
    do_record_dispatch_outcome,
    told_by_reactions,
)
from ..choices import DispatchStatus
from ..contracts import DISPATCHED
from ..dispatch_lists import XLSX
from ..filtersets import DispatchFilterSet
from ..forms import DispatchExportForm, DispatchOutcomeForm
from ..models import Dispatch
from ..tables import DispatchTable


class DispatchListView(ScopedListView):
    model = Dispatch
    table = DispatchTable
    filterset_class = DispatchFilterSet
    select_related = ("person", "sender")
    template_name = "tracing/dispatch_list.html"

    def get_queryset(self):
        """Open ones first, the nearest deadline first."""
        return (
            super()
            .get_queryset()
            .order_by(F("closed_at").asc(nulls_first=True), F("due_at").asc(nulls_last=True), "-id")
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["export_form"] = (
            DispatchExportForm(user=user) if user.has_perm("tracing.change_dispatch") else None
        )
        return ctx


def dispatch_context(request, dispatch: Dispatch, **forms) -> dict:
    user = request.user
    receiver = dispatch.seen_by_receiver(user)
    can_respond = (
        receiver
        and dispatch.is_open
        and dispatch.in_province
        and Dispatch.objects.restrict(user, "respond").filter(pk=dispatch.pk).exists()
    )
    events = events_for(dispatch).restrict(user, "view").select_related("actor")
    context = {
        "object": dispatch,
        "receiver": receiver,
        "can_respond": can_respond,
        "can_acknowledge": can_respond and dispatch.status == DispatchStatus.SENT,
        "outcome_form": DispatchOutcomeForm(user=user) if can_respond else None,
        "events": events if receiver else events.filter(kind=DISPATCHED),
    }
    context.update(forms)
    return context


class DispatchDetailView(ScopedDetailView):
    model = Dispatch
    template_name = "tracing/dispatch_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("person", "sender", "jurisdiction")

    def get_context_data(self, **kwargs):
        return dispatch_context(self.request, self.object)


class _DispatchStep(PermissionRequiredMixin, FormStepView):
    model = Dispatch
    permission_required = "tracing.respond_dispatch"
    form_name = "outcome_form"
    success_message = gettext_lazy("Recorded.")

    def render_invalid(self, obj, form):
        obj.refresh_from_db()
        context = dispatch_context(self.request, obj, **{self.form_name: form})
        return render(self.request, "tracing/dispatch_detail.html", context, status=400)


class DispatchAcknowledgeView(_DispatchStep):
    def make_form(self, data, files):
        return DispatchOutcomeForm(data, user=self.request.user, required=False)

    def perform(self, obj, form):
        do_acknowledge_dispatch(obj, actor=self.request.user)


class DispatchOutcomeView(_DispatchStep):
    def make_form(self, data, files):
        return DispatchOutcomeForm(data, user=self.request.user)

    def perform(self, obj, form):
        """Record the answer, then say what its consequences skipped and why (nobody placed)."""
        dispatch = do_record_dispatch_outcome(obj, actor=self.request.user, **form.outcome_kwargs())
        for event in told_by_reactions(dispatch):
            messages.warning(self.request, event.summary)


class DispatchExportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """POST the chosen out-of-province dispatches: the .xlsx comes back, they are exported."""

    permission_required = "tracing.change_dispatch"

    def post(self, request):
        form = DispatchExportForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                content = do_export_dispatches(
                    list(form.cleaned_data["dispatches"]),
                    actor=request.user,
                    reveal_reason=form.cleaned_data["reveal_reason"],
                )
            except PermissionDenied:
                form.add_error("dispatches", _("Only your area's dispatches can be exported."))
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                response = HttpResponse(content, content_type=XLSX)
                response["Content-Disposition"] = 'attachment; filename="dispatches.xlsx"'
                return response
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("tracing:dispatch_list")
