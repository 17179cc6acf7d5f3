"""Work plans: templates with who has not submitted, and a jurisdiction's plan to write."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from pingji.core.events import events_for
from pingji.core.forms import add_action_errors
from pingji.core.views.base import ActionFormView, FormStepView, ScopedDetailView, ScopedListView
from pingji.geo.models import Jurisdiction

from ..actions.plans import (
    do_create_plan_template,
    do_return_plan,
    do_save_plan,
    do_submit_plan,
    reviews,
)
from ..choices import PlanStatus
from ..forms import NoteForm, PlanTemplateForm, WorkPlanForm, measures_text
from ..models import PlanTemplate, WorkPlan
from ..tables import PlanTemplateTable
from .orders import focus_of


class PlanTemplateListView(ScopedListView):
    model = PlanTemplate
    table = PlanTemplateTable
    template_name = "tasks/plantemplate_list.html"
    select_related = ("jurisdiction",)


class PlanTemplateDetailView(ScopedDetailView):
    """The template, and every jurisdiction asked: submitted, draft, or nothing yet."""

    model = PlanTemplate
    template_name = "tasks/plantemplate_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        own = getattr(user, "jurisdiction_id", None) or ""
        rows = [r for r in self.object.submissions() if r["jurisdiction"].code.startswith(own)]
        ctx["rows"] = rows
        ctx["missing_count"] = sum(not r["submitted"] for r in rows)
        ctx["can_write"] = user.has_perm("tasks.add_workplan")
        return ctx


class PlanTemplateCreateView(ActionFormView):
    permission_required = "tasks.add_plantemplate"
    form_class = PlanTemplateForm
    template_name = "tasks/plantemplate_form.html"
    success_message = gettext_lazy("Plan template issued.")

    scoped_form = False

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "focus": focus_of(self.request)}

    def act(self, data):
        return do_create_plan_template(
            actor=self.request.user, jurisdiction=focus_of(self.request), **data
        )


def plan_context(request, plan: WorkPlan, **forms) -> dict:
    """The plan, its measures as tasks, its history, and the return form for its reviewer."""
    user = request.user
    may_return = plan.status == PlanStatus.SUBMITTED and reviews(user, plan)
    return {
        "object": plan,
        "sections": [(s, plan.sections.get(s["key"], "")) for s in plan.template.sections],
        "missing": [plan.template.section_title(k) for k in plan.missing_sections()],
        "measure_tasks": plan.tasks().select_related("jurisdiction").order_by("deadline"),
        "events": events_for(plan).restrict(user, "view").select_related("actor"),
        "return_form": return_form() if may_return else None,
        **forms,
    }


def return_form(data=None) -> NoteForm:
    return NoteForm(data, prefix="return", required=True, label=_("what the plan must revise"))


class WorkPlanDetailView(ScopedDetailView):
    model = WorkPlan
    template_name = "tasks/workplan_detail.html"

    def get_context_data(self, **kwargs):
        return plan_context(self.request, self.object)


class WorkPlanReturnView(FormStepView):
    """The reviewing level sends a submitted plan back for revision, with its reason."""

    model = WorkPlan
    action = "return"
    form_name = "return_form"
    success_message = gettext_lazy("Plan sent back for revision.")

    def make_form(self, data, files):
        return return_form(data)

    def perform(self, plan, form):
        do_return_plan(plan, actor=self.request.user, reason=form.cleaned_data["note"])

    def render_invalid(self, plan, form):
        plan.refresh_from_db()
        ctx = plan_context(self.request, plan, return_form=form)
        return render(self.request, "tasks/workplan_detail.html", ctx, status=400)


class WorkPlanEditView(LoginRequiredMixin, generic.View):
    """Write the plan of one jurisdiction after a template; "submit" also hands it in."""

    def setup_objects(self, request, pk, code):
        self.template = PlanTemplate.objects.restrict(request.user).filter(pk=pk).first()
        self.place = Jurisdiction.objects.restrict(request.user).filter(code=code).first()
        if self.template is None or self.place is None:
            raise Http404
        self.plan = WorkPlan.objects.filter(template=self.template, jurisdiction=self.place).first()

    def get(self, request, pk, code):
        self.setup_objects(request, pk, code)
        initial = {}
        if self.plan is not None:
            initial = {f"section_{k}": v for k, v in self.plan.sections.items()}
            initial["measures"] = measures_text(self.plan.measures)
        return self.render(WorkPlanForm(template=self.template, initial=initial))

    def post(self, request, pk, code):
        self.setup_objects(request, pk, code)
        form = WorkPlanForm(request.POST, template=self.template)
        if form.is_valid():
            try:
                plan = do_save_plan(
                    self.template,
                    actor=request.user,
                    jurisdiction=self.place,
                    sections=form.sections(),
                    measures=form.measure_list(),
                )
                if "submit" in request.POST:
                    do_submit_plan(plan, actor=request.user)
                    messages.success(request, _("Plan submitted."))
                else:
                    messages.success(request, _("Draft saved."))
                return redirect(plan)
            except ValidationError as exc:
                add_action_errors(form, exc)
            except PermissionDenied as exc:
                raise Http404 from exc
        return self.render(form, status=400)

    def render(self, form, status=200):
        ctx = {
            "form": form,
            "template": self.template,
            "place": self.place,
            "plan": self.plan,
            "submitted": self.plan is not None and self.plan.status == PlanStatus.SUBMITTED,
            "returned": self.plan is not None and self.plan.status == PlanStatus.RETURNED,
        }
        return render(self.request, "tasks/workplan_form.html", ctx, status=status)
