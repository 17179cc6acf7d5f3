"""Directives (指令): what a headquarters orders lower levels to do, carried out as tasks."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from pingji.core import clock
from pingji.core.access import ScopedModel
from pingji.core.links import detail_url

from ..choices import OPEN_STATUSES, Department, TaskStatus


class SourcedWork:
    """Mixin for the command objects whose work is done as tasks attached to them."""

    def tasks(self):
        return self.tasks_of([self])

    @classmethod
    def tasks_of(cls, objects):
        from .task import Task

        return Task.objects.filter(
            source_type=ContentType.objects.get_for_model(cls),
            source_id__in=[str(obj.pk) for obj in objects],
        )

    def progress(self) -> list[dict]:
        """Per receiver (owner jurisdiction and department, if one was named): how many tasks,
        done, open, overdue — one grouped query. ``department_label`` is ``""`` for a whole
        government."""
        (rows,) = self.progress_of([self]).values()
        return rows

    @classmethod
    def progress_of(cls, objects) -> dict:
        """``progress`` of each of ``objects`` (by primary key) in one grouped query: a list of
        them shows every one's."""
        now = clock.now()
        rows = (
            cls.tasks_of(objects)
            .values("source_id", "jurisdiction_id", "jurisdiction__name", "department")
            .annotate(
                total=Count("id"),
                done=Count("id", filter=Q(status=TaskStatus.DONE)),
                submitted=Count("id", filter=Q(status=TaskStatus.SUBMITTED)),
                open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
                overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, deadline__lt=now)),
            )
            .order_by("-overdue", "jurisdiction_id", "department")
        )
        labels = dict(Department.choices)
        out: dict = {obj.pk: [] for obj in objects}
        by_source = {str(pk): pk for pk in out}
        for row in rows:
            source = by_source[row.pop("source_id")]
            out[source].append({**row, "department_label": str(labels.get(row["department"], ""))})
        return out


class Directive(SourcedWork, ScopedModel):
    """An order from a level (often decided at a headquarters meeting) to the levels below it.

    Each receiver gets one task (kind ``directive``) with the directive's deadline, so each one
    reports back with evidence and the issuing level verifies it (压实属地责任); ``progress`` is
    the issuing level's view of every receiver.
    """

    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("issuing jurisdiction"),
        on_delete=models.PROTECT,
        related_name="directives",
    )
    meeting = models.ForeignKey(
        "command.Meeting",
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="directives",
    )
    number = models.CharField(_("document number"), max_length=60, blank=True)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    deadline = models.DateTimeField(_("deadline"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"), default=clock.now, db_index=True)

    class Meta:
        verbose_name = _("directive")
        verbose_name_plural = _("directives")
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return detail_url("tasks:directive_detail", self.pk)
