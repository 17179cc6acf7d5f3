"""Pages over the platform's own records: jobs with their progress, the audit log, events."""

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from ..access import ScopedModel
from ..choices import JobStatus
from ..exports import export_path
from ..filtersets import ChangeFilterSet, EventFilterSet, JobFilterSet
from ..jobs import enqueue, run_again
from ..models import DomainEvent, Job, ObjectChange
from ..tables import Column, Table
from .base import ScopedDetailView, ScopedListView, focus_code


class JobTable(Table):
    columns = (
        Column("pk", "#", link=True),
        Column("kind", _("kind")),
        Column("status", _("status")),
        Column("percent", _("progress %")),
        Column("message", _("message")),
        Column("created_at", _("created at")),
    )


class JobListView(ScopedListView):
    model = Job
    table = JobTable
    filterset_class = JobFilterSet


class JobDetailView(ScopedDetailView):
    model = Job
    template_name = "core/job_detail.html"


class ChangeTable(Table):
    columns = (
        Column("time", _("time"), link=True),
        Column("actor", _("actor")),
        Column("action", _("action")),
        Column("content_type", _("object type")),
        Column("object_repr", _("object")),
        Column("request_id", _("request id")),
    )


class ChangeListView(ScopedListView):
    """The audit view: every change in the auditor's jurisdiction, filterable."""

    model = ObjectChange
    table = ChangeTable
    filterset_class = ChangeFilterSet
    select_related = ("actor", "content_type")


class ChangeDetailView(ScopedDetailView):
    model = ObjectChange
    template_name = "core/change_detail.html"


class EventTable(Table):
    columns = (
        Column("time", _("time")),
        Column("kind", _("kind")),
        Column("text", _("summary")),  # in the reader's language (core.messages)
        Column("actor", _("actor")),
        Column("jurisdiction_code", _("jurisdiction code")),
    )


class EventListView(ScopedListView):
    model = DomainEvent
    table = EventTable
    filterset_class = EventFilterSet
    select_related = ("actor",)


@require_POST
@login_required
def start_export(request):
    """Queue an Excel export of the list the user is looking at (their focus, their rights)."""
    label = request.POST.get("model", "")
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError) as exc:
        raise Http404 from exc
    meta = model._meta
    if not issubclass(model, ScopedModel) or not request.user.has_perm(
        f"{meta.app_label}.view_{meta.model_name}"
    ):
        raise Http404
    row = enqueue(
        "core.export",
        {"model": meta.label_lower, "within": focus_code(request)},
        actor=request.user,
    )
    messages.info(request, _("Export queued; this page shows its progress."))
    return redirect(row)


@require_POST
@login_required
def run_job_again(request, pk: int):
    """Run a failed job of the user's own again (an interrupted import, a failed export)."""
    row = get_object_or_404(
        Job.objects.restrict(request.user),
        pk=pk,
        created_by=request.user,
        status=JobStatus.FAILED,
    )
    again = run_again(row, request.user)
    messages.info(request, _("Queued again; this page shows its progress."))
    return redirect(again)


@login_required
def download_export(request, pk: int):
    """The export file, for the user who asked for it (and only if they still see the job)."""
    row = get_object_or_404(
        Job.objects.restrict(request.user),
        pk=pk,
        created_by=request.user,
        kind="core.export",
        status=JobStatus.SUCCEEDED,
    )
    path = export_path(row.pk)
    if not path.exists():
        raise Http404
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=f"pingji-export-{row.pk}.xlsx"
    )
