"""Case pages: list, detail with timeline, the report/reclassify/outcome forms, voiding and the
import.

Every page reads through ``Case.objects.restrict`` (outside the area: 404) and every write goes
through ``actions``; a role without the permission gets 403. Voiding (核减) has a page of its own
that says what the void will do before the user confirms it with the reason.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from pingji.core import clock, uploads
from pingji.core.actions import local_date
from pingji.core.events import events_for
from pingji.core.forms import add_action_errors
from pingji.core.jobs import enqueue
from pingji.core.views.base import (
    ActionFormView,
    ScopedActionView,
    ScopedDetailView,
    ScopedListView,
    answer_refusal,
    focus_code,
)
from pingji.people.models import Person

from .actions import course, reports
from .filtersets import CaseFilterSet
from .forms import (
    MAX_UPLOAD_BYTES,
    CaseReportForm,
    CorrectionForm,
    ImportForm,
    OutcomeForm,
    ReclassifyForm,
    VoidForm,
)
from .imports import template_workbook
from .models import Case
from .tables import CaseTable

RELATED = ("person", "jurisdiction", "disease")


class CaseListView(ScopedListView):
    model = Case
    table = CaseTable
    filterset_class = CaseFilterSet
    select_related = RELATED
    listed = (
        *RELATED,
        "classification",
        "severity",
        "channel",
        "origin",
        "onset_date",
        "reported_at",
        "outcome",
        "voided_at",
        "void_reason",
        "person__name",
        "jurisdiction__name",
        "disease__name",
        "disease__english_name",
    )
    template_name = "cases/case_list.html"


def detail_context(request, case: Case, **forms) -> dict:
    """The detail page: the case, its person (if visible), its timeline and the step forms."""
    user = request.user
    may_change = user.has_perm("cases.change_case") and not case.voided
    can_change = may_change and case.is_open
    context = {
        "object": case,
        "case": case,
        "person_visible": Person.objects.restrict(user).filter(pk=case.person_id).exists(),
        "events": events_for(case).restrict(user, "view").select_related("actor"),
        "reclassify_form": ReclassifyForm(case=case) if can_change else None,
        "outcome_form": OutcomeForm() if can_change else None,
        "correction_form": CorrectionForm(case=case) if may_change else None,
        "can_void": may_change,
    }
    context.update(forms)
    return context


class CaseDetailView(ScopedDetailView):
    model = Case
    template_name = "cases/case_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related(*RELATED, "reported_by")

    def get_context_data(self, **kwargs):
        return detail_context(self.request, self.object)


class CaseReportView(ActionFormView):
    permission_required = "cases.add_case"
    form_class = CaseReportForm
    template_name = "cases/form.html"
    title = gettext_lazy("Report a case")
    cancel_url_name = "cases:case_list"

    def act(self, data):
        return reports.do_report_case_for_identity(actor=self.request.user, **data)

    def success_text(self, case):
        return _("Reported %(case)s.") % {"case": case}


class _CaseStepView(PermissionRequiredMixin, ScopedActionView):
    """A POST from the detail page; errors show on the same page with status 400."""

    model = Case
    permission_required = "cases.change_case"
    form_name = ""

    def post(self, request, pk):
        case = self.get_object()
        form = self.make_form(case, request.POST)
        refusal: ValidationError | None = None
        if form.is_valid():
            try:
                self.act(case, form.cleaned_data)
            except ValidationError as exc:
                case.refresh_from_db()
                add_action_errors(form, exc)
                refusal = exc
            except PermissionDenied as exc:
                raise Http404 from exc
            else:
                messages.success(request, _("Saved %(case)s.") % {"case": case})
                return redirect(case)
        context = detail_context(request, case, **{self.form_name: form})
        return answer_refusal(
            request,
            refusal,
            lambda: render(request, "cases/case_detail.html", context, status=400),
        )


class CaseReclassifyView(_CaseStepView):
    form_name = "reclassify_form"

    def make_form(self, case, data):
        return ReclassifyForm(data, case=case)

    def act(self, case, data):
        course.do_reclassify_case(case, actor=self.request.user, **data)


class CaseOutcomeView(_CaseStepView):
    form_name = "outcome_form"

    def make_form(self, case, data):
        return OutcomeForm(data)

    def act(self, case, data):
        course.do_record_outcome(case, actor=self.request.user, **data)


class CaseCorrectView(_CaseStepView):
    """Correct the facts of a case, open or closed; the timeline shows what was corrected."""

    form_name = "correction_form"

    def make_form(self, case, data):
        return CorrectionForm(data, case=case)

    def act(self, case, data):
        changes = {f: v for f, v in data.items() if v != getattr(case, f)}
        course.do_update_case(case, changes, actor=self.request.user)


def void_consequences(case: Case) -> list[str]:
    """What voiding ``case`` will do, said before the user confirms it."""
    counted = course.counted_so_far(case)
    return [
        _(
            "Voiding %(case)s takes it out of the totals from today, %(day)s: "
            "%(infections)d infections, %(confirmed)d confirmed cases and %(asymptomatic)d "
            "asymptomatic infections fewer. The days before keep the figures they showed."
        )
        % {
            "case": case,
            "day": local_date(clock.now()).isoformat(),
            "infections": counted["infection"],
            "confirmed": counted["confirmed"],
            "asymptomatic": counted["asymptomatic"],
        },
        _(
            "The case stays on record, shown as voided, and can no longer be changed; "
            "%(name)s can be reported again as a new case."
        )
        % {"name": case.person.name},
    ]


class CaseVoidView(PermissionRequiredMixin, ScopedActionView):
    """Void a case reported in error (核减): the page says what the void will do, the POST with a
    reason confirms it. A voided case shows why instead of the form."""

    model = Case
    permission_required = "cases.change_case"
    template_name = "cases/void.html"

    def page(self, case: Case, form: VoidForm, status: int = 200):
        context = {
            "object": case,
            "form": form if not case.voided else None,
            "consequences": void_consequences(case) if not case.voided else [],
        }
        return render(self.request, self.template_name, context, status=status)

    def get_queryset(self):
        return super().get_queryset().select_related("person")

    def get(self, request, pk):
        return self.page(self.get_object(), VoidForm())

    def post(self, request, pk):
        case = self.get_object()
        form = VoidForm(request.POST)
        refusal: ValidationError | None = None
        if form.is_valid():
            try:
                case = course.do_void_case(case, actor=request.user, **form.cleaned_data)
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                case.refresh_from_db()
                add_action_errors(form, exc)
                refusal = exc
            else:
                messages.success(request, _("Voided %(case)s.") % {"case": case})
                return redirect(case)
        return answer_refusal(request, refusal, lambda: self.page(case, form, status=400))


class CaseImportView(LoginRequiredMixin, PermissionRequiredMixin, generic.FormView):
    """Upload a line list; it waits encrypted for the job that imports it (core.uploads)."""

    permission_required = ("cases.add_case", "core.add_job")
    form_class = ImportForm
    template_name = "cases/import.html"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "user": self.request.user,
            "focus": focus_code(self.request),
        }

    def form_valid(self, form):
        try:
            stored = uploads.store(
                form.cleaned_data["file"], suffix=".xlsx", kind_limit=MAX_UPLOAD_BYTES
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        grid = form.cleaned_data["jurisdiction"]
        row = enqueue(
            "cases.import_line_list",
            {"file": stored.name, "grid": grid.pk if grid else ""},
            actor=self.request.user,
        )
        messages.info(self.request, _("Import queued; this page shows its progress and errors."))
        return redirect(row)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class TemplateDownloadView(LoginRequiredMixin, generic.View):
    def get(self, request):
        response = HttpResponse(
            template_workbook(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="pingji-line-list.xlsx"'
        return response
