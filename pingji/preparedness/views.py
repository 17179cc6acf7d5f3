"""Preparedness pages: readiness, early warnings, surveillance sites, training and drills."""

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from pingji.core import clock
from pingji.core.forms import add_action_errors
from pingji.core.views.base import FormStepView, ScopedDetailView, ScopedListView, focus_code
from pingji.protocols.diseases import watching
from pingji.protocols.models import Disease

from .actions.drills import (
    do_finish_drill,
    do_inject_case,
    do_inject_contact,
    do_record_drill_step,
    do_record_finding,
    do_remove_drill_data,
    do_set_drill_protocol,
    do_start_drill,
)
from .actions.surveillance import (
    do_dismiss_alert,
    do_evaluate_warnings,
    do_record_reports,
    do_save_rule,
    do_switch_on_alert,
    do_upload_reports,
)
from .choices import WarningMethod
from .drill_report import drill_report
from .forms import (
    DismissForm,
    DrillProtocolForm,
    EvaluateForm,
    FindingForm,
    ReportForm,
    RuleForm,
    StepForm,
    SwitchForm,
    UploadForm,
)
from .models import Alert, Course, Drill, SurveillanceSite, WarningRule
from .readiness import readiness_table
from .tables import AlertTable, CourseTable, DrillTable, RuleTable, SiteTable


class ReadinessView(LoginRequiredMixin, PermissionRequiredMixin, generic.TemplateView):
    permission_required = "preparedness.view_drill"
    template_name = "preparedness/readiness.html"

    def get_context_data(self, **kwargs):
        try:
            on = datetime.date.fromisoformat(self.request.GET.get("on", ""))
        except ValueError:
            on = clock.today()
        disease = Disease.objects.filter(code=self.request.GET.get("disease", "")).first()
        code = focus_code(self.request)
        rows = sorted(
            readiness_table(code, on, disease.code if disease else None), key=lambda r: r.score
        )
        return {
            **super().get_context_data(**kwargs),
            "rows": rows,
            "on": on,
            "disease": disease,
            "diseases": Disease.objects.all(),
        }


class SiteListView(ScopedListView):
    model = SurveillanceSite
    table = SiteTable
    select_related = ("jurisdiction",)
    template_name = "preparedness/site_list.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "upload_form": UploadForm()}


def site_context(request, site, **forms):
    return {
        "object": site,
        "reports": site.reports.order_by("-day")[:60],
        "report_form": ReportForm(),
        **forms,
    }


class SiteDetailView(ScopedDetailView):
    model = SurveillanceSite
    template_name = "preparedness/site_detail.html"

    def get_context_data(self, **kwargs):
        return site_context(self.request, self.object)


class _Step(PermissionRequiredMixin, FormStepView):
    """A step posted from a detail page; refused, that page (``template`` filled by ``context``)
    is shown again with the step's form under ``form_name``."""

    template = ""
    context: Callable[..., dict[str, Any]] | None = None
    form_class: type[BaseForm] | None = None

    def make_form(self, data, files):
        return self.form_class(data, files)

    def render_invalid(self, obj, form):
        ctx = type(self).context(self.request, obj, **{self.form_name: form})
        return render(self.request, self.template, ctx, status=400)


class ReportView(_Step):
    model = SurveillanceSite
    permission_required = "preparedness.add_surveillancereport"
    form_name, form_class = "report_form", ReportForm
    template, context = "preparedness/site_detail.html", staticmethod(site_context)
    success_message = gettext_lazy("Reports recorded.")

    def perform(self, obj, form):
        do_record_reports(obj, form.rows_list(), actor=self.request.user)


class UploadView(LoginRequiredMixin, PermissionRequiredMixin, generic.FormView):
    """A CSV upload handed to its action (``upload``), all or nothing; the action's refusals land
    on the form. Surveillance reports here; mosquito surveys subclass it."""

    permission_required = "preparedness.add_surveillancereport"
    form_class: type[BaseForm] = UploadForm
    template_name = "preparedness/upload.html"
    upload = staticmethod(do_upload_reports)
    done = gettext_lazy("%(n)s reports recorded.")
    next_url = "preparedness:site_list"

    def form_valid(self, form):
        try:
            n = self.upload(form.cleaned_data["file"], actor=self.request.user)
        except ValidationError as exc:
            add_action_errors(form, exc)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(self.request, self.done % {"n": n})
        return redirect(self.next_url)


class RuleListView(ScopedListView):
    model = WarningRule
    table = RuleTable
    select_related = ("jurisdiction",)


def rule_context(request, rule, **forms):
    """The rule, its form, and what the pack of the signal's disease suggests (decision 0041)."""
    can = request.user.has_perm("preparedness.change_warningrule")
    disease, suggested = watching(rule.signal) or (None, None)
    return {
        "object": rule,
        "rule_form": RuleForm(instance=rule) if can else None,
        "disease": disease,
        "suggested": suggested,
        "suggested_method": WarningMethod(suggested["method"]).label if suggested else "",
        **forms,
    }


class RuleDetailView(ScopedDetailView):
    model = WarningRule
    template_name = "preparedness/rule_detail.html"

    def get_context_data(self, **kwargs):
        return rule_context(self.request, self.object)


class RuleEditView(_Step):
    """Edit a rule's thresholds on its page: the permission the API's PATCH needs, the rule in the
    user's own subtree (another's answers 404), audited by the event of
    ``actions.surveillance.do_save_rule``."""

    model = WarningRule
    action = "change"
    permission_required = "preparedness.change_warningrule"
    form_name = "rule_form"
    template, context = "preparedness/rule_detail.html", staticmethod(rule_context)
    success_message = gettext_lazy("Thresholds saved.")

    def make_form(self, data, files):
        # bound to its own copy of the rule: a refused edit leaves the page's object as saved
        return RuleForm(data, instance=self.get_object())

    def perform(self, obj, form):
        do_save_rule(form.cleaned_data, actor=self.request.user, instance=obj)


class AlertListView(ScopedListView):
    model = Alert
    table = AlertTable
    select_related = ("jurisdiction", "rule")
    template_name = "preparedness/alert_list.html"

    def get_context_data(self, **kwargs):
        can = self.request.user.has_perm("preparedness.add_alert")
        return {
            **super().get_context_data(**kwargs),
            "evaluate_form": EvaluateForm() if can else None,
        }


class EvaluateView(LoginRequiredMixin, PermissionRequiredMixin, generic.View):
    permission_required = "preparedness.add_alert"

    def post(self, request):
        form = EvaluateForm(request.POST)
        if form.is_valid():
            alerts = do_evaluate_warnings(
                form.cleaned_data["day"], actor=request.user, code=focus_code(request)
            )
            messages.info(request, _("%(n)s early warning(s) raised.") % {"n": len(alerts)})
        else:
            messages.error(request, _("Give a day."))
        return redirect("preparedness:alert_list")


def alert_context(request, alert, **forms):
    can = request.user.has_perm("preparedness.change_alert") and alert.status == "open"
    return {
        "object": alert,
        "switch_form": SwitchForm() if can else None,
        "dismiss_form": DismissForm() if can else None,
        **forms,
    }


class AlertDetailView(ScopedDetailView):
    model = Alert
    template_name = "preparedness/alert_detail.html"

    def get_context_data(self, **kwargs):
        return alert_context(self.request, self.object)


class SwitchView(_Step):
    model = Alert
    permission_required = "preparedness.change_alert"
    form_name, form_class = "switch_form", SwitchForm
    template, context = "preparedness/alert_detail.html", staticmethod(alert_context)
    success_message = gettext_lazy("The county is in emergency mode.")

    def perform(self, obj, form):
        do_switch_on_alert(obj, actor=self.request.user, **form.cleaned_data)

    def post(self, request, pk):
        try:
            return super().post(request, pk)
        except PermissionDenied as exc:  # the role may not switch modes
            raise Http404 from exc


class DismissView(_Step):
    model = Alert
    permission_required = "preparedness.change_alert"
    form_name, form_class = "dismiss_form", DismissForm
    template, context = "preparedness/alert_detail.html", staticmethod(alert_context)

    def perform(self, obj, form):
        do_dismiss_alert(obj, actor=self.request.user, **form.cleaned_data)


class CourseListView(ScopedListView):
    model = Course
    table = CourseTable
    select_related = ("jurisdiction",)


class CourseDetailView(ScopedDetailView):
    model = Course
    template_name = "preparedness/course_detail.html"


class DrillListView(ScopedListView):
    model = Drill
    table = DrillTable
    select_related = ("jurisdiction",)


def drill_context(request, drill, **forms):
    can = request.user.has_perm("preparedness.change_drill")
    running = drill.status == "running"
    report = drill.report if drill.report else drill_report(drill)
    planned = drill.status == "planned"
    return {
        "object": drill,
        "report": report,
        "can": can,
        "protocol_form": DrillProtocolForm(drill=drill) if can and planned else None,
        "step_form": StepForm() if can and running else None,
        "finding_form": FindingForm() if can and drill.status != "planned" else None,
        "findings": drill.findings.select_related("task"),
        **forms,
    }


class DrillDetailView(ScopedDetailView):
    model = Drill
    template_name = "preparedness/drill_detail.html"

    def get_context_data(self, **kwargs):
        return drill_context(self.request, self.object)


class DrillStepView(_Step):
    model = Drill
    permission_required = "preparedness.change_drill"
    form_name, form_class = "step_form", StepForm
    template, context = "preparedness/drill_detail.html", staticmethod(drill_context)

    def perform(self, obj, form):
        do_record_drill_step(obj, actor=self.request.user, **form.cleaned_data)


class DrillProtocolView(_Step):
    """Choose the version a planned drill runs under; refused once it started."""

    model = Drill
    permission_required = "preparedness.change_drill"
    form_name = "protocol_form"
    template, context = "preparedness/drill_detail.html", staticmethod(drill_context)
    success_message = gettext_lazy("Protocol version chosen.")

    def make_form(self, data, files):
        return DrillProtocolForm(data, drill=self.get_object())

    def perform(self, obj, form):
        do_set_drill_protocol(obj, protocol=form.cleaned_data["protocol"], actor=self.request.user)


class DrillFindingView(_Step):
    model = Drill
    permission_required = "preparedness.change_drill"
    form_name, form_class = "finding_form", FindingForm
    template, context = "preparedness/drill_detail.html", staticmethod(drill_context)

    def perform(self, obj, form):
        do_record_finding(obj, actor=self.request.user, **form.cleaned_data)


class DrillPhaseView(PermissionRequiredMixin, FormStepView):
    """start / inject / contact / finish / remove: a button on the drill page."""

    model = Drill
    permission_required = "preparedness.change_drill"
    phase = ""
    refusals = (ValidationError,)

    def make_form(self, data, files):
        from django import forms

        return forms.Form(data)

    def perform(self, obj, form):
        act = {
            "start": do_start_drill,
            "inject": do_inject_case,
            "contact": do_inject_contact,
            "finish": do_finish_drill,
            "remove": do_remove_drill_data,
        }
        act[self.phase](obj, actor=self.request.user)

    def post(self, request, pk):
        try:
            return super().post(request, pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(self.get_object())
