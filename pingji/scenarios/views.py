"""Pages of scenarios: the list, the form, a scenario with its runs, a run with its charts, the
comparison of 2–4 scenarios, and attaching a run to a lifting proposal.

Every page reads through ``restrict`` (another jurisdiction's scenario is a 404) and every write
goes through ``actions``; a role without the permission gets 403.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pingji.areas.models import MeasureChange, Transition
from pingji.core.views.base import ActionFormView, ScopedDetailView, ScopedListView

from . import actions, charts
from .choices import RunStatus
from .forms import AttachForm, ScenarioForm
from .models import Run, Scenario
from .tables import ScenarioTable

COMPARE_MAX = 4


class ScenarioListView(ScopedListView):
    model = Scenario
    table = ScenarioTable
    select_related = ("jurisdiction",)
    template_name = "scenarios/scenario_list.html"


class ScenarioCreateView(ActionFormView):
    permission_required = "scenarios.add_scenario"
    form_class = ScenarioForm
    template_name = "scenarios/scenario_form.html"
    title = gettext_lazy("New scenario")
    button = gettext_lazy("Create")
    success_message = gettext_lazy("Scenario created; run it from its page.")
    cancel_url_name = "scenarios:scenario_list"

    def action_data(self, form) -> dict:
        return form.action_data()

    def act(self, data):
        return actions.do_create_scenario(actor=self.request.user, **data)


class ScenarioDetailView(ScopedDetailView):
    model = Scenario
    template_name = "scenarios/scenario_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        runs = self.object.runs_made.restrict(self.request.user).select_related("job")
        ctx["runs_list"] = runs
        ctx["may_run"] = self.request.user.has_perm("scenarios.add_run")
        return ctx


def _days(run: Run) -> list[str]:
    start = run.scenario.state_day + datetime.timedelta(days=1)
    return [(start + datetime.timedelta(days=i)).isoformat() for i in range(run.scenario.days)]


def run_charts(run: Run) -> list:
    r, days = run.results or {}, _days(run)
    return [
        charts.fan(_("New local infections a day"), r["local_infections"], days),
        charts.fan(_("Quarantine rooms needed"), r["rooms"], days),
        charts.fan(_("Tests (tubes) a day"), r["tests"], days),
        charts.fan(_("Hospital beds needed"), r["beds"], days),
    ]


class RunDetailView(ScopedDetailView):
    model = Run
    template_name = "scenarios/run_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("scenario", "job", "jurisdiction")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        run = self.object
        if run.status == RunStatus.FINISHED:
            ctx["charts"] = run_charts(run)
            ctx["areas"] = _area_rows(run)
        ctx["interrupted"] = actions.interrupted(run)
        ctx["may_run"] = self.request.user.has_perm("scenarios.add_run")
        ctx["attach_form"] = AttachForm()
        return ctx


def _area_rows(run: Run) -> list[tuple]:
    from pingji.geo.models import Jurisdiction

    a = (run.results or {})["by_area"]
    names = dict(Jurisdiction.objects.filter(code__in=a["codes"]).values_list("code", "name"))
    rows = [(names.get(c, c), c, a["totals"][i]) for i, c in enumerate(a["codes"])]
    return sorted(rows, key=lambda r: -r[2])


class QueueRunView(PermissionRequiredMixin, ScopedDetailView):
    model = Scenario
    permission_required = "scenarios.add_run"
    http_method_names = ["post"]

    def post(self, request, pk):
        scenario = self.get_object()
        try:
            run = actions.do_queue_run(scenario, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(scenario)
        messages.success(request, _("Run queued."))
        return redirect(run)


class RunAgainView(PermissionRequiredMixin, ScopedDetailView):
    model = Run
    permission_required = "scenarios.add_run"
    http_method_names = ["post"]

    def post(self, request, pk):
        run = self.get_object()
        try:
            actions.do_run_again(run, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect(run)


@login_required
@require_POST
def attach(request, pk: int):
    """Attach a finished run to a transition or a measure change awaiting decision."""
    run = get_object_or_404(Run.objects.restrict(request.user).select_related("scenario"), pk=pk)
    form = AttachForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a proposal."))
        return redirect(run)
    model = Transition if form.cleaned_data["target"] == "transition" else MeasureChange
    proposal = model.objects.restrict(request.user).filter(pk=form.cleaned_data["proposal"]).first()
    if proposal is None:
        raise Http404
    try:
        actions.do_attach_run(run, proposal, actor=request.user)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(run)
    messages.success(request, _("Attached to the proposal as its evidence."))
    return redirect(proposal)


@login_required
def compare(request):
    """2–4 scenarios side by side: their latest finished runs' medians on one axis each."""
    ids = [i for i in request.GET.getlist("s") if i.isdigit()][:COMPARE_MAX]
    scenarios = list(Scenario.objects.restrict(request.user).filter(pk__in=ids))
    if len(ids) and len(scenarios) != len(set(ids)):
        raise Http404
    rows = [(s, s.latest_finished()) for s in scenarios]
    done = [(s, r) for s, r in rows if r is not None]
    ctx = {
        "rows": rows,
        "charts": _compare_charts(done) if done else [],
        "choices": _choices(request),
        "picked": [s for s, _r in rows],
    }
    return render(request, "scenarios/compare.html", ctx)


def _choices(request):
    return Scenario.objects.restrict(request.user).order_by("-created_at")[:50]


def _compare_charts(done) -> list:
    days = _days(max((r for _s, r in done), key=lambda r: r.scenario.days))
    out = []
    for key, title in (
        ("local_infections", _("New local infections a day (median)")),
        ("rooms", _("Quarantine rooms needed (median)")),
        ("tests", _("Tests (tubes) a day (median)")),
        ("beds", _("Hospital beds needed (median)")),
    ):
        out.append(charts.lines(title, [(s.name, r.results[key][2]) for s, r in done], days))
    return out
