"""Staff pages of the society-wide measures (docs/decisions/0047-society-wide-measures.md): the
register, designation, a measure with its changes and the form to change it, and a change with its
frozen evidence and the approval, rejection and publication buttons transitions have.

Every page reads through ``restrict`` (outside the area: 404) and every write goes through
``actions.measures``; a role without the permission gets 403.
"""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from pingji.core.events import events_for
from pingji.core.views.base import FormStepView, ScopedDetailView, ScopedListView, focus_code

from ..actions import measures
from ..choices import MeasureStatus, TransitionStatus
from ..filtersets import MeasureChangeFilterSet, MeasureFilterSet
from ..forms import DecisionForm, MeasureChangeForm, MeasureForm, PublishForm
from ..models import Measure, MeasureChange
from ..tables import MeasureChangeTable, MeasureTable
from .areas import ActionFormView, DecideView


class MeasureListView(ScopedListView):
    model = Measure
    table = MeasureTable
    filterset_class = MeasureFilterSet
    select_related = ("jurisdiction",)
    template_name = "areas/measure_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, focus = self.request.user, focus_code(self.request)
        changes = MeasureChange.objects.restrict(user).within(focus)
        ctx["pending"] = changes.filter(status=TransitionStatus.PROPOSED).count()
        ctx["approved"] = changes.filter(status=TransitionStatus.APPROVED).count()
        ctx["publish_form"] = PublishForm(user=user, focus=focus, initial={"jurisdiction": focus})
        return ctx


class MeasureCreateView(ActionFormView):
    permission_required = "areas.add_measure"
    form_class = MeasureForm
    title = gettext_lazy("Designate a society-wide measure")
    button = gettext_lazy("Propose")
    success_message = gettext_lazy("Measure proposed; it takes effect when approved and published.")
    cancel_url_name = "areas:measure_list"

    def action_data(self, form) -> dict:
        return form.action_data(form.cleaned_data["kind"])

    def act(self, data):
        return measures.do_designate_measure(actor=self.request.user, **data)


def measure_context(request, m: Measure, **forms) -> dict:
    user = request.user
    may_change = m.status == MeasureStatus.ACTIVE and user.has_perm("areas.change_measure")
    ctx = {
        "object": m,
        "changes": m.changes.select_related("proposed_by", "approved_by"),
        "events": events_for(m).restrict(user, "view").select_related("actor"),
        "change_form": MeasureChangeForm(measure_kind=m.kind) if may_change else None,
    }
    ctx.update(forms)
    return ctx


class MeasureDetailView(ScopedDetailView):
    model = Measure
    template_name = "areas/measure_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("jurisdiction", "decided_by")

    def get_context_data(self, **kwargs):
        return measure_context(self.request, self.object)


class MeasureProposeView(PermissionRequiredMixin, FormStepView):
    model = Measure
    permission_required = "areas.change_measure"
    form_name = "change_form"
    success_message = gettext_lazy("Proposed; it takes effect once approved and published.")

    def make_form(self, data, files):
        return MeasureChangeForm(data, measure_kind=self.get_object().kind)

    def perform(self, obj, form):
        measures.do_propose_measure_change(obj, actor=self.request.user, **form.change_data())

    def render_invalid(self, obj, form):
        obj.refresh_from_db()
        context = measure_context(self.request, obj, change_form=form)
        return render(self.request, "areas/measure_detail.html", context, status=400)


class MeasureChangeListView(ScopedListView):
    model = MeasureChange
    table = MeasureChangeTable
    filterset_class = MeasureChangeFilterSet
    select_related = ("measure",)


def change_context(request, change: MeasureChange, **forms) -> dict:
    user = request.user
    county = change.jurisdiction_id[:6]
    ctx = {
        "object": change,
        "may_decide": change.status == TransitionStatus.PROPOSED
        and measures.may_decide(user, change),
        "decision_form": DecisionForm(),
        "may_publish": change.status == TransitionStatus.APPROVED
        and user.has_perm("areas.add_publication"),
        "publish_code": county,
    }
    ctx.update(forms)
    return ctx


class MeasureChangeDetailView(ScopedDetailView):
    model = MeasureChange
    template_name = "areas/measure_change_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("measure", "measure__jurisdiction", "proposed_by", "approved_by")
        )

    def get_context_data(self, **kwargs):
        return change_context(self.request, self.object)


class _DecideView(DecideView):
    model = MeasureChange
    page = "areas/measure_change_detail.html"

    def page_context(self, obj, **forms) -> dict:
        return change_context(self.request, obj, **forms)


class ApproveView(_DecideView):
    success_message = gettext_lazy("Approved; it takes effect when published.")

    def perform(self, obj, form):
        measures.do_approve_measure_change(obj, actor=self.request.user, **form.cleaned_data)


class RejectView(_DecideView):
    success_message = gettext_lazy("Rejected.")

    def perform(self, obj, form):
        measures.do_reject_measure_change(obj, actor=self.request.user, **form.cleaned_data)
