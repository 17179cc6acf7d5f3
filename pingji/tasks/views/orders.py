"""Directives and problem lists: lists, detail with each receiver's progress, issue and import."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from pingji.command.models import Meeting
from pingji.core.forms import add_action_errors
from pingji.core.views.base import ActionFormView, ScopedDetailView, ScopedListView, focus_code
from pingji.geo.models import Jurisdiction

from ..actions.directives import do_issue_directive
from ..actions.problems import do_create_problem_list
from ..forms import DirectiveForm, ProblemImportForm
from ..ledger import LedgerError, ledger_workbook, read_items, template_workbook
from ..models import Directive, ProblemList
from ..tables import DirectiveTable, ProblemListTable

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def focus_of(request) -> Jurisdiction | None:
    return Jurisdiction.objects.defer("boundary").filter(code=focus_code(request)).first()


def xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class DirectiveListView(ScopedListView):
    model = Directive
    table = DirectiveTable
    template_name = "tasks/directive_list.html"
    select_related = ("jurisdiction", "meeting")


class DirectiveDetailView(ScopedDetailView):
    model = Directive
    template_name = "tasks/directive_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["progress"] = self.object.progress()
        return ctx


class DirectiveCreateView(ActionFormView):
    """Issue a directive from the focus level, optionally as a decision of one of its meetings."""

    permission_required = "tasks.add_directive"
    success_message = gettext_lazy("Directive issued.")
    form_class = DirectiveForm
    template_name = "tasks/directive_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.meeting = None
        meeting_id = request.GET.get("meeting") or request.POST.get("meeting")
        if meeting_id and request.user.is_authenticated:
            visible = Meeting.objects.restrict(request.user).select_related("jurisdiction")
            self.meeting = visible.filter(pk=meeting_id).first() if meeting_id.isdigit() else None
            if self.meeting is None:
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def issuer(self):
        return self.meeting.jurisdiction if self.meeting else focus_of(self.request)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(user=self.request.user, focus=self.issuer())
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(meeting=self.meeting, issuer=self.issuer())
        return ctx

    def act(self, data):
        return do_issue_directive(
            actor=self.request.user,
            title=data["title"],
            number=data["number"],
            text=data["text"],
            receivers=list(data["receivers"]),
            departments=list(data.get("departments") or ()),
            deadline=data["deadline"],
            meeting=self.meeting,
            jurisdiction=self.issuer(),
        )


class ProblemListListView(ScopedListView):
    model = ProblemList
    table = ProblemListTable
    template_name = "tasks/problemlist_list.html"
    select_related = ("jurisdiction",)


class ProblemListDetailView(ScopedDetailView):
    model = ProblemList
    template_name = "tasks/problemlist_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["items"] = (
            self.object.items.select_related("jurisdiction", "task", "task__escalated_to")
            .defer("jurisdiction__boundary", "task__escalated_to__boundary")
            .order_by("number")
        )
        ctx["progress"] = self.object.progress()
        return ctx


class LedgerView(ScopedDetailView):
    """The rectification ledger (整改台账) of one list as an Excel file."""

    model = ProblemList

    def get(self, request, *args, **kwargs):
        plist = self.get_object()
        return xlsx(ledger_workbook(plist), f"ledger-{plist.pk}.xlsx")


class ProblemTemplateView(LoginRequiredMixin, generic.View):
    def get(self, request):
        return xlsx(template_workbook(), "problem-list.xlsx")


class ProblemImportView(LoginRequiredMixin, PermissionRequiredMixin, generic.FormView):
    """Import an inspection's list from Excel: every row checked, all or nothing."""

    permission_required = "tasks.add_problemlist"
    form_class = ProblemImportForm
    template_name = "tasks/problemlist_import.html"

    def form_valid(self, form):
        data = form.cleaned_data
        issuer = focus_of(self.request)
        row_errors = []
        try:
            if issuer is None:
                raise PermissionDenied
            items, row_errors = read_items(data["file"], issuer)
            if not row_errors:
                plist = do_create_problem_list(
                    actor=self.request.user,
                    jurisdiction=issuer,
                    title=data["title"],
                    inspection=data["inspection"],
                    inspected_on=data["inspected_on"],
                    items=items,
                )
        except LedgerError as exc:
            form.add_error("file", str(exc))
        except ValidationError as exc:
            add_action_errors(form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        if form.errors or row_errors:
            ctx = self.get_context_data(form=form, row_errors=row_errors)
            return self.render_to_response(ctx, status=400)
        messages.success(self.request, _("Problem list imported."))
        return redirect(plist)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)
