"""Change log, domain events and background jobs: the infrastructure every domain writes to."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import clock
from .access import ScopedModel
from .audit import AuditedManager
from .choices import ChangeAction, JobStatus
from .links import detail_url
from .messages import render


def user_fk(verbose_name):
    """Who did something: optional, and kept (emptied) when the account is deleted."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


class ObjectChange(ScopedModel):
    """One row of the generic change log: who changed what, when, in which request, before/after.

    Written by signal handlers for every model of the project (docs/architecture.md, "Every write
    is in the change log"), so no
    domain code can forget it. ``jurisdiction_code`` is copied from the object so an auditor's view
    is scoped like everything else.
    """

    scope_field = "jurisdiction_code"

    time = models.DateTimeField(_("time"), default=clock.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    request_id = models.CharField(_("request id"), max_length=64, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=10, choices=ChangeAction.choices)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(_("object id"), max_length=64, db_index=True)
    object_repr = models.CharField(_("object"), max_length=200)
    jurisdiction_code = models.CharField(_("jurisdiction code"), max_length=32, db_index=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    class Meta:
        verbose_name = _("object change")
        verbose_name_plural = _("object changes")
        ordering = ["-time", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"

    def get_absolute_url(self) -> str:
        return detail_url("core:change_detail", self.pk)

    @property
    def changed_fields(self) -> list[str]:
        before, after = self.before or {}, self.after or {}
        return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


class DomainEvent(ScopedModel):
    """An explicit, named fact of the domain (mode switched, identity revealed, task escalated…).

    Written by ``actions`` in the same transaction as the change it describes; timelines, reports
    and indicators read these rather than the raw change log. ``time`` is when the fact happened
    (the event time an action gives, e.g. a case's report time); ``recorded_at`` is when the
    platform learned it, always the clock's now, so a read "as of day D" can leave out what was
    only known later (decision 0030).
    """

    scope_field = "jurisdiction_code"

    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    time = models.DateTimeField(_("time"), default=clock.now, db_index=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=clock.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    jurisdiction_code = models.CharField(_("jurisdiction code"), max_length=32, db_index=True)
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("subject type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    object_id = models.CharField(_("subject id"), max_length=64, blank=True)
    summary = models.CharField(_("summary"), max_length=300)
    #: The summary untranslated (``core.messages``): msgid, context, parameters; empty on events
    #: written before it was kept, which show their summary as written.
    message = models.JSONField(_("message"), default=dict, blank=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)

    class Meta:
        verbose_name = _("domain event")
        verbose_name_plural = _("domain events")
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        """The summary in the reader's language, translated from the kept message when there is
        one: a timeline is read by people of either language, whoever wrote the event."""
        return render(self.message, self.summary) if self.message else self.summary


class InstanceClock(models.Model):
    """The instance's own time, when it lives in one (the demo, a drill instance): at ``set_at``
    (server time) the instance's clock read ``now_at``, and it advances with real time from
    there. One row at most; no row is the server's time (``core.clock``, docs/decisions/0030)."""

    now_at = models.DateTimeField(_("instance time when set"))
    set_at = models.DateTimeField(_("server time when set"))

    objects = AuditedManager()  # setting the platform's time is in the change log

    class Meta:
        verbose_name = _("instance clock")
        verbose_name_plural = _("instance clock")

    def __str__(self) -> str:
        return f"{self.now_at:%Y-%m-%d %H:%M} @ {self.set_at:%Y-%m-%d %H:%M}"


class Job(ScopedModel):
    """A unit of long work (import, search, report, simulation) run outside the request.

    The row is the single truth of its status and progress, whichever backend runs it; the broker
    only delivers its id (docs/decisions/0037). ``lease_until`` is how long the runner that claimed
    it may keep it without renewing: a claim whose lease ran out is taken over by the next delivery.
    """

    scope_field = "jurisdiction_code"

    kind = models.CharField(_("kind"), max_length=64)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=JobStatus.choices,
        default=JobStatus.QUEUED,
        db_index=True,
    )
    progress = models.PositiveIntegerField(_("progress"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    message = models.CharField(_("message"), max_length=300, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    jurisdiction_code = models.CharField(_("jurisdiction code"), max_length=32, db_index=True)
    created_at = models.DateTimeField(_("created at"), default=clock.real_now)
    worker = models.CharField(_("worker"), max_length=100, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent to the broker at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    def get_absolute_url(self) -> str:
        return detail_url("core:job_detail", self.pk)

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        return int(100 * self.progress / self.total) if self.total else 0
