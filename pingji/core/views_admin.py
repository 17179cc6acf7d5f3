"""Pages over the platform's own records: jobs with their progress, the audit log, events."""

from django.utils.translation import gettext_lazy as _

from .filtersets import ChangeFilterSet, EventFilterSet
from .models import DomainEvent, Job, ObjectChange
from .tables import Column, Table
from .views import ScopedDetailView, ScopedListView


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
        Column("summary", _("summary")),
        Column("actor", _("actor")),
        Column("jurisdiction_code", _("jurisdiction code")),
    )


class EventListView(ScopedListView):
    model = DomainEvent
    table = EventTable
    filterset_class = EventFilterSet
    select_related = ("actor",)
