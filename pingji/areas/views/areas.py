"""Staff pages of risk areas: list, designation, detail with evaluation and history, proposals,
approval, publication and the evaluations; checkpoints are in ``checkpoints``, the indicator and
the map in ``situation``, the public pages (no login) in ``public``.

Every page reads through ``restrict`` (outside the area: 404) and every write goes through the
actions; a role without the permission gets 403.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from pingji.core.events import events_for
from pingji.core.views import base as core_views
from pingji.core.views.base import (
    FormStepView,
    ScopedDetailView,
    ScopedListView,
    focus_code,
)

from ..actions import publishing, transitions
from ..evaluation import evaluate
from ..filtersets import EvaluationFilterSet, RiskAreaFilterSet, TransitionFilterSet
from ..forms import DecisionForm, DesignateForm, EvaluateForm, ProposeForm, PublishForm
from ..models import Evaluation, Publication, RiskArea, Transition
from ..overlap import overlaps
from ..tables import EvaluationTable, PublicationTable, RiskAreaTable, TransitionTable
from .public import for_display


class RiskAreaListView(ScopedListView):
    model = RiskArea
    table = RiskAreaTable
    filterset_class = RiskAreaFilterSet
    select_related = ("jurisdiction",)
    listed = (
        *select_related,
        "name",
        "level",
        "status",
        "legal_basis",
        "effective_from",
        "level_since",
        "lifted_at",
        "jurisdiction__name",
    )
    template_name = "areas/area_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, focus = self.request.user, focus_code(self.request)
        ctx["publish_form"] = PublishForm(user=user, focus=focus, initial={"jurisdiction": focus})
        ctx["evaluate_form"] = EvaluateForm()
        ctx.update(  # proposals awaiting approval, approvals awaiting publication: one query
            Transition.objects.restrict(user)
            .within(focus)
            .aggregate(
                pending=Count("pk", filter=Q(status="proposed")),
                approved=Count("pk", filter=Q(status="approved")),
            )
        )
        return ctx


class ActionFormView(core_views.ActionFormView):
    """The areas' form pages share one template; multiple-choice fields reach the action as
    lists (``many``)."""

    template_name = "areas/form.html"
    many: tuple[str, ...] = ()

    def action_data(self, form) -> dict:
        return {**form.cleaned_data, **{name: list(form.cleaned_data[name]) for name in self.many}}


class DesignateView(ActionFormView):
    permission_required = "areas.add_riskarea"
    form_class = DesignateForm
    title = gettext_lazy("Designate a risk area")
    button = gettext_lazy("Propose")
    success_message = gettext_lazy("Designation proposed; it takes effect when published.")
    cancel_url_name = "areas:area_list"
    many = ("places", "jurisdictions")

    def act(self, data):
        return transitions.do_designate_area(actor=self.request.user, **data)


def area_context(request, area: RiskArea, **forms) -> dict:
    user = request.user
    ctx = {
        "object": area,
        "area": area,
        "places": area.places.select_related("jurisdiction"),
        "extent_jurisdictions": area.jurisdictions.all(),
        "overlaps": overlaps(area),
        "latest": area.evaluations.order_by("-day").first(),
        "evaluations": area.evaluations.order_by("-day")[:14],
        "transitions": area.transitions.select_related("proposed_by", "approved_by"),
        "checkpoints": area.checkpoints.all(),
        "events": events_for(area).restrict(user, "view").select_related("actor"),
        "propose_form": (
            ProposeForm()
            if area.status == "active" and user.has_perm("areas.change_riskarea")
            else None
        ),
    }
    ctx.update(forms)
    return ctx


class RiskAreaDetailView(ScopedDetailView):
    model = RiskArea
    template_name = "areas/area_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("jurisdiction", "protocol", "decided_by")

    def get_context_data(self, **kwargs):
        return area_context(self.request, self.object)


class ProposeView(PermissionRequiredMixin, FormStepView):
    model = RiskArea
    permission_required = "areas.change_riskarea"
    form_name = "propose_form"
    success_message = gettext_lazy("Proposed; it takes effect once approved and published.")

    def make_form(self, data, files):
        return ProposeForm(data)

    def perform(self, obj, form):
        self.transition = transitions.do_propose_transition(
            obj, actor=self.request.user, **form.cleaned_data
        )

    def render_invalid(self, obj, form):
        context = area_context(self.request, obj, propose_form=form)
        return render(self.request, "areas/area_detail.html", context, status=400)


class TransitionListView(ScopedListView):
    model = Transition
    table = TransitionTable
    filterset_class = TransitionFilterSet
    select_related = ("area",)


def transition_context(request, t: Transition, **forms) -> dict:
    ctx = {
        "object": t,
        "may_decide": t.status == "proposed" and transitions.may_decide(request.user, t),
        "decision_form": DecisionForm(),
        "required": _("city") if t.override else _("county"),
    }
    ctx.update(forms)
    return ctx


class TransitionDetailView(ScopedDetailView):
    model = Transition
    template_name = "areas/transition_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("area", "protocol", "proposed_by")

    def get_context_data(self, **kwargs):
        return transition_context(self.request, self.object)


class DecideView(FormStepView):
    """Approve or reject a proposal on its page (a transition here, a measure change in
    ``measures``): a refused note shows the page again with the form's errors."""

    model: type = Transition
    form_name = "decision_form"
    refusals = (PermissionDenied,)
    page = "areas/transition_detail.html"

    def page_context(self, obj, **forms) -> dict:
        return transition_context(self.request, obj, **forms)

    def make_form(self, data, files):
        return DecisionForm(data)

    def render_invalid(self, obj, form):
        obj.refresh_from_db()
        context = self.page_context(obj, decision_form=form)
        return render(self.request, self.page, context, status=400)


class ApproveView(DecideView):
    success_message = gettext_lazy("Approved; it takes effect when published.")

    def perform(self, obj, form):
        transitions.do_approve_transition(obj, actor=self.request.user, **form.cleaned_data)


class RejectView(DecideView):
    success_message = gettext_lazy("Rejected.")

    def perform(self, obj, form):
        transitions.do_reject_transition(obj, actor=self.request.user, **form.cleaned_data)


class PublishView(LoginRequiredMixin, PermissionRequiredMixin, generic.View):
    permission_required = "areas.add_publication"

    def post(self, request):
        form = PublishForm(request.POST, user=request.user, focus=focus_code(request))
        if not form.is_valid():
            messages.error(request, _("Choose the publishing jurisdiction."))
            return redirect("areas:area_list")
        try:
            pub = publishing.do_publish(
                form.cleaned_data["jurisdiction"],
                actor=request.user,
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("areas:area_list")
        except PermissionDenied as exc:
            raise Http404 from exc
        messages.success(request, _("Published list %(n)s.") % {"n": pub.number})
        return redirect(pub)


class PublicationListView(ScopedListView):
    model = Publication
    table = PublicationTable
    select_related = ("jurisdiction",)


class PublicationDetailView(ScopedDetailView):
    model = Publication
    template_name = "areas/publication_detail.html"

    def get_object(self, queryset=None):
        return for_display(super().get_object(queryset))


class EvaluationListView(ScopedListView):
    model = Evaluation
    table = EvaluationTable
    filterset_class = EvaluationFilterSet
    select_related = ("area",)


class EvaluateView(LoginRequiredMixin, PermissionRequiredMixin, generic.View):
    """Evaluate a day on demand, for the focus (the daily job does it for everyone)."""

    permission_required = "areas.change_riskarea"

    def post(self, request):
        form = EvaluateForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give a valid day."))
            return redirect("areas:area_list")
        day = form.cleaned_data["day"]
        found = evaluate(day, within=focus_code(request))
        messages.success(
            request, _("%(n)s areas evaluated for %(day)s.") % {"n": len(found), "day": day}
        )
        return redirect(f"{reverse('areas:evaluation_list')}?day={day.isoformat()}")
