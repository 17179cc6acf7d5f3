"""The situation room (dashboard, large screen) and the daily report archive.

Every page goes through ``restrict``: an area outside the user's is 404, a future day is a clear
error (400 with the form's message), and the figures are those of ``situation.build``.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import generic

from pingji.core import as_of
from pingji.core.access import scope_code
from pingji.core.forms import add_action_errors
from pingji.core.views.base import ScopedDetailView, ScopedListView, focus_code
from pingji.geo.models import Jurisdiction
from pingji.geo.paths import path_to
from pingji.tasks.models import Task

from . import situation as sit
from .actions.daily_reports import do_generate_daily_report
from .forms import AsOfForm, GenerateForm
from .models import DailyReport
from .tables import DailyReportTable

FILES = {"docx": "docx", "xlsx": "xlsx", "html": "html"}


class SituationView(LoginRequiredMixin, generic.View):
    """The dashboard of one area as of a day; ``?screen=1`` is the command hall's large screen."""

    def get(self, request, code=None):
        code = code if code is not None else focus_code(request)
        visible = Jurisdiction.objects.restrict(request.user)
        if not code:
            top = visible.filter(parent__isnull=True).order_by("code").first()
            if top is None:
                raise Http404
            return redirect("reports:situation", code=top.code)
        jurisdiction = visible.defer("boundary").filter(code=code).first()
        if jurisdiction is None:
            raise Http404
        form = AsOfForm(request.GET or None)
        if form.is_bound and not form.is_valid():
            return render(
                request,
                "reports/situation.html",
                {"form": form, "jurisdiction": jurisdiction, "situation": None},
                status=400,
            )
        on = as_of.day_shown(request, form.cleaned_data["on"] if form.is_bound else None)
        since = form.cleaned_data.get("since") if form.is_bound else None
        s = sit.shown(
            jurisdiction,
            on,
            since=since,
            overdue_tasks=sit.overdue_query(Task.objects.restrict(request.user)),
        )
        context = {
            "form": form if form.is_bound else AsOfForm(initial={"on": on}),
            "jurisdiction": jurisdiction,
            "ancestors": _visible_ancestors(request.user, code),
            "situation": s,
            "charts": {
                "days": [d.isoformat() for d in s.days],
                "curve": s.curve,
                "onset": s.onset,
                "channel": s.channel,
                "rt": s.rt,
                "rt_by_unit": s.rt_by_unit,
                "forecast": s.forecast,
            },
            "map_values": {u["code"]: u["values"][5] for u in s.units},  # infections since start
            "screen": request.GET.get("screen") == "1",
            "query": request.GET.urlencode(),
        }
        template = "reports/screen.html" if context["screen"] else "reports/situation.html"
        return render(request, template, context)


def _visible_ancestors(user, code: str) -> list:
    """The levels above ``code`` that ``user`` may open too (scopes are code prefixes), from the
    path every page's breadcrumb reads (``geo.paths``)."""
    path, scope = path_to(code), scope_code(user) or ""
    return [a for a in path.ancestors if a.code.startswith(scope)] if path else []


class ReportListView(ScopedListView):
    model = DailyReport
    table = DailyReportTable
    select_related = ("jurisdiction",)
    template_name = "reports/report_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if self.request.user.has_perm("reports.add_dailyreport"):
            ctx["generate_form"] = GenerateForm(
                user=self.request.user, initial={"day": sit.today()}
            )
        return ctx


class ReportDetailView(ScopedDetailView):
    model = DailyReport
    template_name = "reports/report_detail.html"

    def get_context_data(self, **kwargs):
        """The archived figures in the reader's words, not their storage keys."""
        since = self.object.since
        figures = [(sit.figure_label(k, since), v) for k, v in self.object.figures.items()]
        return {**super().get_context_data(**kwargs), "figures": figures}


class ReportFileView(ScopedDetailView):
    """The archived file itself (Word, Excel or HTML), through ``restrict`` like the page."""

    model = DailyReport

    def get(self, request, pk, ext):
        report = self.get_object()
        field = getattr(report, FILES.get(ext, ""), None)
        if not field:
            raise Http404
        filename = f"daily-{report.jurisdiction.gb_code}-{report.day:%Y%m%d}.{ext}"
        return FileResponse(field.open("rb"), as_attachment=ext != "html", filename=filename)


class GenerateView(LoginRequiredMixin, PermissionRequiredMixin, generic.View):
    permission_required = "reports.add_dailyreport"

    def post(self, request):
        form = GenerateForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                report = do_generate_daily_report(
                    form.cleaned_data["jurisdiction"], form.cleaned_data["day"], actor=request.user
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
            except PermissionDenied as exc:
                raise Http404 from exc
            else:
                messages.success(request, _("The daily report was generated."))
                return redirect(report)
        return render(request, "reports/generate.html", {"generate_form": form}, status=400)
