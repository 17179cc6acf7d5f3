"""Reopening pages: the registry, an establishment's page with its resumption steps, surveys,
imports and the progress view. Everything reads through ``restrict`` (a liaison: their
establishments only; outside: 404) and writes through ``actions``."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.forms import BaseForm
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from pingji.core import clock, uploads
from pingji.core.events import events_for
from pingji.core.forms import add_action_errors
from pingji.core.jobs import enqueue
from pingji.core.views.base import (
    ActionFormView,
    FormStepView,
    ScopedDetailView,
    ScopedListView,
    focus_code,
)

from . import controls, forms, workbooks
from .actions import imports
from .actions.liaison import do_raise_problem, do_save_plan, do_set_target
from .actions.registry import MAY_APPLY, do_register_establishment
from .actions.resumption import (
    checklist_for,
    do_apply,
    do_decide,
    do_decide_alert,
    do_inspect,
    do_pause,
)
from .actions.surveys import do_answer_survey, do_open_survey
from .choices import AlertStatus, Status
from .filtersets import EstablishmentFilterSet
from .models import Alert, Application, Establishment, Survey
from .progress import progress
from .tables import EstablishmentTable, SurveyTable

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class EstablishmentListView(ScopedListView):
    model = Establishment
    table = EstablishmentTable
    filterset_class = EstablishmentFilterSet
    select_related = ("jurisdiction", "liaison")
    template_name = "reopening/establishment_list.html"


def detail_context(request, est: Establishment, **step_forms) -> dict:
    user = request.user
    can = user.has_perm("reopening.change_establishment")
    pending = est.applications.filter(decided_at__isnull=True).first()
    now = clock.now()
    items, protocol, clause = checklist_for(est, now)
    try:
        blocked = controls.blocking_reason(est, now)
    except ImportError:  # areas' lookup of controls not installed: say so rather than guess
        blocked = _("The risk-area lookup is not available; approval is refused until it is.")
    context = {
        "object": est,
        "pending": pending,
        "checklist_items": items,
        "protocol": protocol,
        "clause": clause,
        "blocked": blocked,
        "history": est.status_changes.select_related("actor").order_by("-at", "-id"),
        "members": est.members.select_related("person").order_by("role", "id")[:50],
        "alerts": Alert.objects.restrict(user)
        .filter(establishment=est)
        .select_related("case", "case__disease"),
        "problems": est.problems.select_related("task").order_by("-raised_at"),
        "plan": getattr(est, "plan", None),
        "events": events_for(est).restrict(user, "view").select_related("actor"),
        "can_change": can,
    }
    if can:
        if pending is None and est.status in MAY_APPLY:
            context["apply_form"] = forms.ApplyForm(items=items)
        elif pending is not None and pending.inspected_at is None:
            context["inspect_form"] = forms.InspectForm()
        elif pending is not None:
            context["decide_form"] = forms.DecideForm()
        if est.is_working or est.status in (Status.APPLIED, Status.INSPECTED):
            context["pause_form"] = forms.PauseForm()
        context["plan_form"] = forms.PlanForm(
            establishment=est,
            initial={"measures": getattr(context["plan"], "measures", ""), "liaison": est.liaison},
        )
        context["problem_form"] = forms.ProblemForm()
    context.update(step_forms)
    return context


class EstablishmentDetailView(ScopedDetailView):
    model = Establishment
    template_name = "reopening/establishment_detail.html"

    def get_context_data(self, **kwargs):
        return detail_context(self.request, self.object)


class EstablishmentCreateView(ActionFormView):
    permission_required = "reopening.add_establishment"
    form_class: type[BaseForm] = forms.EstablishmentForm  # opening a survey posts its own
    template_name = "reopening/form.html"
    title = gettext_lazy("Register an establishment")
    cancel_url_name = "reopening:establishment_list"

    def act(self, data):
        return do_register_establishment(actor=self.request.user, **data)

    def success_text(self, est):
        return _("Registered %(name)s.") % {"name": est.name}

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class _Step(PermissionRequiredMixin, FormStepView):
    """A step form posted from the establishment's page; errors show there with status 400."""

    model: type[Model] = Establishment  # steps on an application name it instead
    permission_required = "reopening.change_establishment"

    def render_invalid(self, obj, form):
        est = self.page_of(obj)
        context = detail_context(self.request, est, **{self.form_name: form})
        return render(self.request, "reopening/establishment_detail.html", context, status=400)


class ApplyView(_Step):
    form_name = "apply_form"
    success_message = gettext_lazy("Application recorded.")

    def make_form(self, data, files):
        items, _p, _c = checklist_for(self.get_object(), clock.now())
        return forms.ApplyForm(data, items=items)

    def perform(self, obj, form):
        do_apply(obj, actor=self.request.user, checklist=form.checklist())


class _ApplicationStep(_Step):
    model = Application

    def page_of(self, obj):
        return obj.establishment


class InspectView(_ApplicationStep):
    form_name = "inspect_form"
    success_message = gettext_lazy("Inspection recorded.")

    def make_form(self, data, files):
        return forms.InspectForm(data)

    def perform(self, obj, form):
        do_inspect(obj, actor=self.request.user, **form.cleaned_data)


class DecideView(_ApplicationStep):
    form_name = "decide_form"
    success_message = gettext_lazy("Decision recorded.")

    def make_form(self, data, files):
        return forms.DecideForm(data)

    def perform(self, obj, form):
        do_decide(obj, actor=self.request.user, **form.cleaned_data)


class PauseView(_Step):
    form_name = "pause_form"
    success_message = gettext_lazy("Paused.")

    def make_form(self, data, files):
        return forms.PauseForm(data)

    def perform(self, obj, form):
        do_pause(obj, actor=self.request.user, **form.cleaned_data)


class PlanView(_Step):
    form_name = "plan_form"
    success_message = gettext_lazy("Plan saved.")

    def make_form(self, data, files):
        return forms.PlanForm(data, establishment=self.get_object())

    def perform(self, obj, form):
        do_save_plan(obj, actor=self.request.user, **form.cleaned_data)


class ProblemView(_Step):
    form_name = "problem_form"
    success_message = gettext_lazy("Problem handed to the department as a task.")

    def make_form(self, data, files):
        return forms.ProblemForm(data)

    def perform(self, obj, form):
        do_raise_problem(obj, actor=self.request.user, **form.cleaned_data)


class AlertDecideView(PermissionRequiredMixin, FormStepView):
    """Pause the establishment as the alert proposes, or dismiss the proposal."""

    model = Alert
    permission_required = "reopening.change_alert"
    success_message = gettext_lazy("Decision recorded.")

    def make_form(self, data, files):
        return forms.AlertDecisionForm(data)

    def page_of(self, obj):
        return obj.establishment

    def perform(self, obj, form):
        pause = form.cleaned_data["decision"] == AlertStatus.PAUSED
        do_decide_alert(obj, actor=self.request.user, pause=pause)

    def render_invalid(self, obj, form):
        said = [str(e) for errors in form.errors.values() for e in errors]
        messages.error(self.request, " ".join(said) or _("Choose pause or dismiss."))
        return redirect(obj.establishment)


class EstablishmentImportView(LoginRequiredMixin, PermissionRequiredMixin, generic.FormView):
    """Upload a registry workbook: every row checked, then all written or none."""

    permission_required = ("reopening.add_establishment", "core.add_job")
    form_class = forms.AreaImportForm
    template_name = "reopening/import.html"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "user": self.request.user,
            "focus": focus_code(self.request),
        }

    def form_valid(self, form):
        upload, area = form.cleaned_data["file"], form.cleaned_data["area"]
        if upload.size > imports.LARGE_UPLOAD_BYTES:
            try:
                return self.enqueue(upload, area)
            except ValidationError as exc:  # longer than it said it was
                form.add_error(None, exc)
                return self.form_invalid(form)
        try:
            result = imports.import_establishments(upload, actor=self.request.user, area=area)
        except PermissionDenied as exc:
            raise Http404 from exc
        if result["errors"]:
            context = self.get_context_data(form=form, errors=result["errors"])
            return self.render_to_response(context, status=400)
        messages.success(
            self.request, _("Imported %(n)d establishments.") % {"n": result["created"]}
        )
        return redirect("reopening:establishment_list")

    def enqueue(self, upload, area):
        stored = uploads.store(upload, suffix=".xlsx", kind_limit=forms.MAX_UPLOAD_BYTES)
        row = enqueue(
            "reopening.import_establishments",
            {"file": stored.name, "area": area.pk},
            actor=self.request.user,
        )
        messages.info(self.request, _("Import queued; this page shows its progress and errors."))
        return redirect(row)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class EstablishmentTemplateView(LoginRequiredMixin, generic.View):
    def get(self, request):
        return _xlsx(workbooks.establishment_template(), "pingji-establishments.xlsx")


class SurveyListView(ScopedListView):
    model = Survey
    table = SurveyTable
    select_related = ("jurisdiction",)
    template_name = "reopening/survey_list.html"


class SurveyCreateView(EstablishmentCreateView):
    form_class = forms.SurveyForm

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": _("Open a survey"),
            "cancel_url": reverse("reopening:survey_list"),
        }

    def form_valid(self, form):
        try:
            survey = do_open_survey(actor=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_action_errors(form, exc)
            return self.form_invalid(form)
        except PermissionDenied as exc:
            raise Http404 from exc
        return redirect(survey)


def survey_context(request, survey: Survey, **extra) -> dict:
    visible = Establishment.objects.restrict(request.user)
    asked = visible.filter(pk__in=survey.targets().values("pk"))
    context = {
        "object": survey,
        "returns": survey.returns.filter(establishment__in=visible)
        .select_related("establishment")
        .order_by("establishment__name")[:200],
        "unanswered": asked.exclude(survey_returns__survey=survey).order_by("name")[:200],
        "unanswered_count": asked.exclude(survey_returns__survey=survey).count(),
        "asked": asked.count(),
        "answer_form": forms.AnswerForm(user=request.user, survey=survey),
        "import_form": forms.ImportForm(),
    }
    context.update(extra)
    return context


class SurveyDetailView(ScopedDetailView):
    model = Survey
    template_name = "reopening/survey_detail.html"

    def get_context_data(self, **kwargs):
        return survey_context(self.request, self.object)


class SurveyAnswerView(PermissionRequiredMixin, FormStepView):
    model = Survey
    permission_required = "reopening.add_surveyreturn"
    form_name = "answer_form"
    success_message = gettext_lazy("Answer recorded.")

    def make_form(self, data, files):
        return forms.AnswerForm(data, user=self.request.user, survey=self.get_object())

    def perform(self, obj, form):
        data = dict(form.cleaned_data)
        do_answer_survey(obj, data.pop("establishment"), actor=self.request.user, **data)

    def render_invalid(self, obj, form):
        context = survey_context(self.request, obj, answer_form=form)
        return render(self.request, "reopening/survey_detail.html", context, status=400)


class SurveyImportView(SurveyAnswerView):
    form_name = "import_form"

    def make_form(self, data, files):
        return forms.ImportForm(data, files)

    def perform(self, obj, form):
        result = imports.import_returns(form.cleaned_data["file"], obj, actor=self.request.user)
        if result["errors"]:
            self.errors = result["errors"]
            raise ValidationError(
                {"file": _("Nothing imported: %(n)d errors.") % {"n": len(result["errors"])}}
            )
        self.success_message = _("Imported %(n)d answers.") % {"n": result["created"]}

    def render_invalid(self, obj, form):
        context = survey_context(
            self.request, obj, import_form=form, errors=getattr(self, "errors", [])
        )
        return render(self.request, "reopening/survey_detail.html", context, status=400)


class SurveyTemplateView(LoginRequiredMixin, generic.View):
    """The survey's return form, one row per establishment the user sees that was asked."""

    def get(self, request, pk):
        survey = Survey.objects.restrict(request.user).filter(pk=pk).first()
        if survey is None:
            raise Http404
        asked = (
            Establishment.objects.restrict(request.user)
            .filter(pk__in=survey.targets().values("pk"))
            .order_by("pk")
        )
        return _xlsx(workbooks.return_template(survey, asked), f"survey-{survey.pk}.xlsx")


class ProgressView(LoginRequiredMixin, PermissionRequiredMixin, generic.TemplateView):
    permission_required = "reopening.view_establishment"
    template_name = "reopening/progress.html"

    def get_context_data(self, **kwargs):
        code = focus_code(self.request)
        return {
            **super().get_context_data(**kwargs),
            "p": progress(self.request.user, code),
            "target_form": forms.TargetForm(),
            "focus": code,
            "can_set_targets": self.request.user.has_perm("reopening.add_target"),
        }

    def post(self, request):
        form = forms.TargetForm(request.POST)
        if not request.user.has_perm("reopening.add_target"):
            raise PermissionDenied
        if form.is_valid():
            from pingji.geo.models import Jurisdiction

            area = Jurisdiction.objects.filter(code=focus_code(request)).first()
            if area is not None:
                try:
                    do_set_target(actor=request.user, jurisdiction=area, **form.cleaned_data)
                    messages.success(request, _("Target saved."))
                except (ValidationError, PermissionDenied) as exc:
                    messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.error(request, _("Give the kind, a share from 1 to 100 and a date."))
        return redirect("reopening:progress")
