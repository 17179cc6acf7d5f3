"""One generic work-item mechanism for every domain: owner, deadline, evidence, verification."""

from datetime import timedelta
from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils.translation import gettext_lazy as _

from pingji.core import clock
from pingji.core.access import ScopedModel, ScopedQuerySet, scope_code
from pingji.core.events import events_for
from pingji.core.links import detail_url

from ..choices import OPEN_STATUSES, OWNER_STATUSES, Department, TaskKind, TaskStatus
from ..kinds import kind_choices

#: The shortest escalation period. Not a protocol figure: a guard so that a task given minutes
#: (a 30-minute investigation dispatch, the 8th edition's dispatch rule) climbs at most one level
#: an hour rather than reaching the province before anyone upstream has read it.
MIN_ESCALATION_PERIOD = timedelta(hours=1)


class TaskQuerySet(ScopedQuerySet):
    def restrict(self, user, action: str = "view") -> "TaskQuerySet":
        """The tasks of the user's area, plus those assigned to the user from a level above.

        An assignee may sit below the owner (a county's task given to one grid worker); the
        prefix rule alone would hide the task from the one person who has to do it.
        """
        scoped = super().restrict(user, action)
        if scoped.query.is_empty() or not scope_code(user):
            return scoped
        return self.filter(
            Q(**{f"{Task.scope_field}__within": scope_code(user)}) | Q(assignee=user)
        )

    def within(self, code: str) -> "TaskQuerySet":
        """Tasks owned in the subtree of ``code`` or assigned to someone who works there."""
        if not code:
            return self
        return self.filter(
            Q(**{f"{Task.scope_field}__within": code})
            | Q(assignee__jurisdiction__code__within=code)
        )

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, now=None):
        return self.open().filter(deadline__lt=now or clock.now())

    def for_source(self, obj: models.Model):
        """Tasks a domain attached to one of its objects (a case, a placement, a risk area)."""
        return self.filter(
            source_type=ContentType.objects.get_for_model(obj), source_id=str(obj.pk)
        )

    def inbox(self, user):
        """A user's open work: assigned to them, unassigned in their jurisdiction, escalated to it.

        Apply it after ``restrict`` (the views do): it selects, it does not scope.
        """
        mine = Q(assignee=user) if getattr(user, "pk", None) else Q(pk__in=[])
        code = getattr(user, "jurisdiction_id", None)
        if code:
            mine |= Q(jurisdiction_id=code, assignee__isnull=True) | Q(escalated_to_id=code)
        return self.open().filter(mine)

    def awaiting_verification(self, user):
        """Submitted tasks this user's level issued or watches, and may verify (``rules``)."""
        code = scope_code(user)
        if code is None:
            return self.none()
        issued = Q(created_by=user)
        if code:
            issued |= (Q(created_by__jurisdiction_id=code) | Q(escalated_to_id=code)) & ~Q(
                jurisdiction_id=code
            )
        return self.filter(issued, status=TaskStatus.SUBMITTED).exclude(submitted_by=user)

    def overdue_first(self, now=None):
        """Overdue work first, then the nearest deadline."""
        late = When(status__in=OPEN_STATUSES, deadline__lt=now or clock.now(), then=Value(0))
        return self.annotate(
            late_rank=Case(late, default=Value(1), output_field=models.IntegerField())
        ).order_by("late_rank", "deadline", "id")


class Task(ScopedModel):
    """A work item owned by a jurisdiction (and optionally a user) with a deadline.

    The owner jurisdiction does the work and submits evidence; the level that issued or oversees it
    verifies or sends it back (``rules``). Overdue items escalate one level up at a time (挂牌督办):
    ``escalated_to`` is the jurisdiction now watching it, and each escalation is a domain event
    (``actions.work.do_escalate_overdue`` states the rule). A domain attaches a task to its own
    object through ``source`` and adds kinds through ``kinds.register_kind``.
    """

    kind = models.CharField(
        _("kind"), max_length=30, choices=kind_choices, default=TaskKind.GENERAL, db_index=True
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("owner jurisdiction"),
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    department = models.CharField(
        _("department"),
        max_length=12,
        choices=Department.choices,
        blank=True,
        help_text=_("The department of the owner that carries it out, if one is named."),
    )
    deadline = models.DateTimeField(_("deadline"), db_index=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=TaskStatus.choices,
        default=TaskStatus.OPEN,
        db_index=True,
    )
    source_type = models.ForeignKey(
        ContentType,
        verbose_name=_("source type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source_id = models.CharField(_("source id"), max_length=64, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    evidence = models.TextField(_("evidence"), blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to="evidence/%Y/%m/", blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verification_note = models.TextField(_("verification note"), blank=True)
    escalated_to = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("escalated to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escalated_tasks",
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    objects: ClassVar[TaskQuerySet] = TaskQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["source_type", "source_id"]),
            # The supervision view (decision 0019) reads these without touching the rows: open
            # work grouped by owner and kind, and the work opened / closed per day.
            models.Index(
                fields=["status", "jurisdiction", "kind", "deadline", "escalated_to"],
                name="tasks_task_supervision",
            ),
            models.Index(fields=["created_at", "jurisdiction"], name="tasks_task_opened"),
            models.Index(
                fields=["status", "verified_at", "jurisdiction"], name="tasks_task_closed"
            ),
        ]
        permissions = [("verify_task", _("Can verify, send back and cancel tasks"))]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return detail_url("tasks:task_detail", self.pk)

    @property
    def is_overdue(self) -> bool:
        return self.status in OPEN_STATUSES and self.deadline < clock.now()

    @property
    def watcher_id(self) -> str:
        """The jurisdiction code now watching the task: where it was escalated, else its owner."""
        return self.escalated_to_id or self.jurisdiction_id

    @property
    def escalation_period(self) -> timedelta:
        """The time the task was given (deadline − creation), and so the wait between levels."""
        return max(self.deadline - self.created_at, MIN_ESCALATION_PERIOD)

    @property
    def next_escalation_at(self):
        """When the task climbs next if still undone; None once it no longer escalates."""
        if self.status not in OWNER_STATUSES:
            return None
        if self.escalated_at is None:
            return self.deadline
        return self.escalated_at + self.escalation_period

    def timeline(self):
        """The task's domain events, oldest first (created, submitted, escalated, verified…)."""
        return events_for(self).select_related("actor")
