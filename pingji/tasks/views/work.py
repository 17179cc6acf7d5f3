"""Task pages: the "my tasks" inbox, the full list, detail with timeline, and the step forms.

Every page reads through ``Task.objects.restrict`` (outside the area: 404) and every step goes
through ``actions``; a refusal inside the area comes back as a message on the task's page.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import generic

from pingji.core import clock
from pingji.core.access import ScopedModel
from pingji.core.forms import add_action_errors
from pingji.core.links import url_of_each
from pingji.core.views.base import (
    FormStepView,
    ScopedActionView,
    ScopedDetailView,
    ScopedListView,
    focus_code,
)
from pingji.geo.models import Jurisdiction

from .. import rules
from ..actions.work import (
    Refused,
    do_cancel_task,
    do_create_task,
    do_return_task,
    do_submit_evidence,
    do_verify_task,
    resolve_source,
)
from ..choices import OPEN_STATUSES, OWNER_STATUSES, TaskStatus
from ..filtersets import TaskFilterSet
from ..forms import EvidenceForm, NoteForm, TaskForm
from ..kinds import kind_choices
from ..models import EvidenceFile, Task
from ..tables import TaskTable

#: Cards on a page of the inbox: a screenful on a desk, a few swipes on a phone.
INBOX_PAGE = 50
LIST_RELATED = ("jurisdiction", "assignee", "escalated_to")
#: What a row of the list and a card of the inbox show of a task (``tables.TaskTable``,
#: ``templatetags.task_cards``): a page of fifty reads these, not descriptions and whole users.
LISTED = (
    *LIST_RELATED,
    "title",
    "kind",
    "status",
    "deadline",
    "department",
    "jurisdiction__name",
    "assignee__username",
    "escalated_to__name",
)


def _listed(qs):
    return qs.select_related(*LIST_RELATED).only(*LISTED)


class InboxView(LoginRequiredMixin, generic.TemplateView):
    """My tasks: assigned to me, unassigned in my jurisdiction, escalated to it; overdue first.

    A page of ``INBOX_PAGE`` cards at a time: the counts say how much there is in all, and the
    work awaiting my verification shows its most urgent page.
    """

    template_name = "tasks/inbox.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, now = self.request.user, clock.now()
        work = Task.objects.restrict(user).inbox(user)
        verify = Task.objects.restrict(user, "verify").awaiting_verification(user)
        counts = work.aggregate(n=Count("pk"), late=Count("pk", filter=Q(deadline__lt=now)))
        pages = Paginator(_listed(work.overdue_first(now)), INBOX_PAGE)
        pages.count = counts["n"]  # counted above with the overdue ones, in one query
        page = pages.get_page(self.request.GET.get("page"))
        ctx["page_obj"], ctx["is_paginated"] = page, page.has_other_pages()
        ctx["work"] = _carded(page.object_list, now)
        ctx["work_count"], ctx["overdue_count"] = counts["n"], counts["late"]
        ctx["to_verify"] = _carded(_listed(verify.overdue_first(now))[:INBOX_PAGE], now)
        ctx["to_verify_count"] = (
            verify.count() if len(ctx["to_verify"]) == INBOX_PAGE else len(ctx["to_verify"])
        )
        return ctx


def _carded(tasks, now) -> list[Task]:
    """The tasks, each with what its card shows worked out once for the page: ``url``, ``late``
    and the ``status_label`` and ``kind_label`` looked up in one dict each, where the template's
    ``get_…_display`` would rebuild the (long) list of kinds for every card."""
    url = url_of_each("tasks:task_detail")
    statuses = {value: str(label) for value, label in TaskStatus.choices}
    kinds = {value: str(label) for value, label in kind_choices()}
    out = list(tasks)
    for task in out:
        task.url = url(task.pk)
        task.late = task.status in OPEN_STATUSES and task.deadline < now
        task.status_label = statuses.get(task.status, task.status)
        task.kind_label = kinds.get(task.kind, task.kind)
    return out


class TaskListView(ScopedListView):
    model = Task
    table = TaskTable
    filterset_class = TaskFilterSet
    template_name = "tasks/task_list.html"

    def get_queryset(self):
        return _listed(super().get_queryset())


def _visible_source(user, task: Task):
    """The object the task is attached to, if the viewer may see it too."""
    source = task.source if task.source_type_id else None
    if isinstance(source, ScopedModel):
        if not type(source).objects.restrict(user).filter(pk=source.pk).exists():
            return None
    return source


def _detail_context(request, task: Task, **forms) -> dict:
    user = request.user
    next_up = None
    if task.status in OWNER_STATUSES:
        watcher = task.escalated_to or task.jurisdiction
        next_up = Jurisdiction.objects.only("code", "name").filter(code=watcher.parent_id).first()
    ctx = {
        "object": task,
        "task": task,
        "timeline": task.timeline(),
        "next_up": next_up,
        "source": _visible_source(user, task),
        "files": list(task.files.all()),
        "evidence_form": None,
        "verify_form": None,
        "return_form": None,
        "cancel_form": None,
    }
    if rules.may_submit(user, task):
        ctx["evidence_form"] = EvidenceForm()
    if rules.may_verify(user, task):
        ctx["verify_form"] = NoteForm(prefix="verify", label=_("note (optional)"))
        ctx["return_form"] = NoteForm(prefix="return", required=True, label=_("what is missing"))
    if rules.may_cancel(user, task):
        ctx["cancel_form"] = NoteForm(prefix="cancel", required=True, label=_("reason"))
    ctx.update(forms)
    return ctx


class TaskDetailView(ScopedDetailView):
    model = Task
    template_name = "tasks/task_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related(*LIST_RELATED, "created_by", "submitted_by")
            .defer("jurisdiction__boundary", "escalated_to__boundary")
        )

    def get_context_data(self, **kwargs):
        return _detail_context(self.request, self.object)


class TaskCreateView(LoginRequiredMixin, PermissionRequiredMixin, generic.FormView):
    """Issue a task to the focus jurisdiction or a level below it."""

    permission_required = "tasks.add_task"
    form_class = TaskForm
    template_name = "tasks/task_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        code = focus_code(self.request)
        kwargs["user"] = self.request.user
        kwargs["focus"] = Jurisdiction.objects.defer("boundary").filter(code=code).first()
        if self.request.method == "GET":
            kwargs["initial"] = {
                "source_type": self.request.GET.get("source_type", ""),
                "source_id": self.request.GET.get("source_id", ""),
            }
        return kwargs

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            source = resolve_source(data.pop("source_type"), data.pop("source_id"))
            task = do_create_task(actor=self.request.user, source=source, **data)
        except ValidationError as exc:
            add_action_errors(form, exc)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(self.request, _("Task issued."))
        return redirect(task)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class TaskStepView(FormStepView):
    """One POSTed step on a task (submit, verify, return, cancel) through its action."""

    model = Task
    refusals = (Refused,)  # the actor sees the task, but the step is someone else's

    def render_invalid(self, task, form):
        task.refresh_from_db()
        ctx = _detail_context(self.request, task, **{self.form_name: form})
        return render(self.request, "tasks/task_detail.html", ctx, status=400)


class SubmitEvidenceView(TaskStepView):
    action = "change"
    form_name = "evidence_form"
    success_message = _("Evidence submitted for verification.")

    def make_form(self, data, files):
        return EvidenceForm(data, files)

    def perform(self, task, form):
        data = form.cleaned_data
        do_submit_evidence(
            task,
            actor=self.request.user,
            evidence=data["evidence"],
            file=data.get("file"),
            files=data.get("files") or (),
        )


class VerifyTaskView(TaskStepView):
    action = "verify"
    form_name = "verify_form"
    success_message = _("Task verified and closed.")

    def make_form(self, data, files):
        return NoteForm(data, prefix="verify", label=_("note (optional)"))

    def perform(self, task, form):
        do_verify_task(task, actor=self.request.user, note=form.cleaned_data["note"])


class ReturnTaskView(TaskStepView):
    action = "verify"
    form_name = "return_form"
    success_message = _("Task sent back to its owner.")

    def make_form(self, data, files):
        return NoteForm(data, prefix="return", required=True, label=_("what is missing"))

    def perform(self, task, form):
        do_return_task(task, actor=self.request.user, note=form.cleaned_data["note"])


class CancelTaskView(TaskStepView):
    action = "verify"
    form_name = "cancel_form"
    success_message = _("Task cancelled.")

    def make_form(self, data, files):
        return NoteForm(data, prefix="cancel", required=True, label=_("reason"))

    def perform(self, task, form):
        do_cancel_task(task, actor=self.request.user, note=form.cleaned_data["note"])


class EvidenceFileView(ScopedActionView):
    """The evidence file, served only to those who see the task, always as a download."""

    model = Task

    def get(self, request, pk):
        task = self.get_object()
        if not task.evidence_file:
            raise Http404
        try:
            handle = task.evidence_file.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        name = task.evidence_file.name.rsplit("/", 1)[-1]
        return FileResponse(handle, as_attachment=True, filename=name)


class EvidenceDownloadView(ScopedActionView):
    """One evidence file, to those who see its task: a download with the type sniffed at upload.

    Never inline: ``Content-Disposition: attachment`` and ``X-Content-Type-Options: nosniff``, so a
    browser neither renders nor second-guesses it.
    """

    model = EvidenceFile

    def get(self, request, pk):
        row = self.get_object()
        try:
            handle = row.file.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        response = FileResponse(
            handle, as_attachment=True, filename=row.name, content_type=row.content_type
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response
