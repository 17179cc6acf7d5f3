"""One generic work-item mechanism for every domain: owner, deadline, evidence, verification."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pingji.core.access import ScopedModel, ScopedQuerySet

from .choices import OPEN_STATUSES, TaskKind, TaskStatus


class TaskQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, now=None):
        return self.open().filter(deadline__lt=now or timezone.now())


class Task(ScopedModel):
    """A work item owned by a jurisdiction (and optionally a user) with a deadline.

    Overdue items escalate one level up at a time (挂牌督办): ``escalated_to`` is the jurisdiction
    now watching it, and each escalation is a domain event.
    """

    kind = models.CharField(_("kind"), max_length=30, choices=TaskKind.choices, default=TaskKind.GENERAL)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction", verbose_name=_("owner jurisdiction"), on_delete=models.PROTECT,
        related_name="tasks",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assignee"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="tasks",
    )
    deadline = models.DateTimeField(_("deadline"), db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN,
        db_index=True,
    )
    evidence = models.TextField(_("evidence"), blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to="evidence/%Y/%m/", blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("verified by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verification_note = models.TextField(_("verification note"), blank=True)
    escalated_to = models.ForeignKey(
        "geo.Jurisdiction", verbose_name=_("escalated to"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="escalated_tasks",
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("tasks:task_detail", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        return self.status in OPEN_STATUSES and self.deadline < timezone.now()
