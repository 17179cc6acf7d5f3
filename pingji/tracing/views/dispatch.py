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
from ..actions.reported import candidates, do_register_and_resolve, do_resolve_dispatch
from ..choices import DispatchStatus
from ..contracts import DISPATCHED
from ..dispatch_lists import XLSX
from ..filtersets import DispatchFilterSet
from ..forms import DispatchExportForm, DispatchOutcomeForm, RegisterForm, ResolveForm
from ..models import Dispatch
from ..tables import DispatchTable


class DispatchListView(ScopedListView):
    model = Dispatch
    table = DispatchTable
    filterset_class = DispatchFilterSet
    select_related = ("person", "sender", "reported")
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
    resolving = can_respond and dispatch.awaits_resolution
    county = dispatch.jurisdiction_id
    context = {
        "object": dispatch,
        "receiver": receiver,
        "reported": dispatch.reported if receiver else None,
        "candidates": candidates(dispatch, user) if resolving else [],
        "resolve_form": ResolveForm(user=user, county=county) if resolving else None,
        "register_form": (
            RegisterForm(user=user, county=county)
            if resolving and user.has_perm("people.add_person")
            else None
        ),
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
        return super().get_queryset().select_related("person", "sender", "jurisdiction", "reported")

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


class DispatchResolveView(_DispatchStep):
    """The receiving county names the resident a reported contact is (decision 0042)."""

    action = "respond"  # a sender's forged POST is a 404, before its form is read
    form_name = "resolve_form"
    success_message = gettext_lazy("The dispatch now names its person.")

    def make_form(self, data, files):
        return ResolveForm(data, user=self.request.user, county=self.get_object().jurisdiction_id)

    def perform(self, obj, form):
        do_resolve_dispatch(obj, actor=self.request.user, person=form.cleaned_data["person"])


class DispatchRegisterView(_DispatchStep):
    """The receiving county registers a reported contact and names them (decision 0042)."""

    action = "respond"  # registering also needs people.add_person, which the action checks
    form_name = "register_form"
    success_message = gettext_lazy("Registered; the dispatch now names its person.")

    def make_form(self, data, files):
        return RegisterForm(data, user=self.request.user, county=self.get_object().jurisdiction_id)

    def perform(self, obj, form):
        do_register_and_resolve(obj, actor=self.request.user, **form.cleaned_data)


class DispatchOutcomeView(_DispatchStep):
    def make_form(self, data, files):
        return DispatchOutcomeForm(data, user=self.request.user)

    def perform(self, obj, form):
        """Record the answer, then say what its consequences skipped and why (nobody placed)."""
        dispatch = do_record_dispatch_outcome(obj, actor=self.request.user, **form.outcome_kwargs())
        for event in told_by_reactions(dispatch):
            messages.warning(self.request, event.text)


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
