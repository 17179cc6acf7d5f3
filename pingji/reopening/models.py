"""Establishments, their people, surveys (摸排), resumption, plans (一企一策), problems, alerts.

Every row belongs to a jurisdiction through its establishment, so the county sees its own and
the city sees all of its counties' (a prefix match on the jurisdiction code, decision 0001). A
liaison official (挂钩干部, role
``liaison``) sees only the establishments they are named for: ``LiaisonQuerySet.restrict`` narrows
the jurisdiction scope further (docs/decisions/0016).
"""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pingji.core import clock
from pingji.core.access import ScopedModel as _Scoped
from pingji.core.access import ScopedQuerySet, scope_code
from pingji.core.links import detail_url
from pingji.users.choices import Role

from .choices import (
    SCHOOL_KINDS,
    WORKING_STATUSES,
    Affiliation,
    AlertStatus,
    Department,
    Kind,
    OperatingState,
    ProblemCategory,
    Sector,
    Size,
    Status,
)

USER = settings.AUTH_USER_MODEL


class LiaisonQuerySet(ScopedQuerySet):
    """``restrict`` as everywhere, and for a liaison only their own establishments' rows."""

    def restrict(self, user, action: str = "view"):
        rows = super().restrict(user, action)
        if scope_code(user) is not None and getattr(user, "role", "") == Role.LIAISON:
            rows = rows.filter(**{getattr(self.model, "liaison_path"): user})  # noqa: B009
        return rows


class ScopedModel(_Scoped):
    """A reopening row: scoped by its establishment's jurisdiction, narrowed for liaisons."""

    scope_field: ClassVar[str] = "establishment__jurisdiction__code"
    liaison_path: ClassVar[str] = "establishment__liaison"
    objects: ClassVar[models.Manager] = models.Manager.from_queryset(LiaisonQuerySet)()

    class Meta:
        abstract = True


class Establishment(ScopedModel):
    """An enterprise, shop, market, school, kindergarten or other venue that closes and resumes.

    ``credit_code`` is the unified social credit code (GB 32100-2015, ``credit``), unique when
    given; without one (a school, a stall) the name is unique within its grid and kind. ``status``
    is where it stands now; ``StatusChange`` rows keep how it got there, which the progress view
    counts by day.
    """

    scope_field = "jurisdiction__code"
    liaison_path = "liaison"

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, null=True, blank=True, unique=True
    )
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    size = models.CharField(_("size"), max_length=10, choices=Size.choices, blank=True)
    workforce = models.PositiveIntegerField(_("workforce"), default=0)
    grades = models.CharField(_("grades"), max_length=60, blank=True)
    pupils = models.PositiveIntegerField(_("pupils"), default=0)
    address = models.CharField(_("address"), max_length=300, blank=True)
    place = models.ForeignKey(
        "geo.Place",
        verbose_name=_("address place"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="establishments",
    )
    key = models.BooleanField(_("key enterprise"), default=False)
    liaison = models.ForeignKey(
        USER,
        verbose_name=_("liaison official"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="liaison_establishments",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    status_since = models.DateTimeField(_("status since"), default=clock.now)
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        verbose_name = _("establishment")
        verbose_name_plural = _("establishments")
        ordering = ["jurisdiction_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "kind", "name"], name="establishment_unique_name"
            ),
        ]
        # Covers the progress view's grouped counts: an index-only scan of the subtree.
        indexes = [models.Index(fields=["jurisdiction", "kind", "sector", "status", "pupils"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return detail_url("reopening:establishment_detail", self.pk)

    @property
    def is_school(self) -> bool:
        return self.kind in SCHOOL_KINDS

    @property
    def is_working(self) -> bool:
        return self.status in WORKING_STATUSES


class Member(ScopedModel):
    """A person who works at (staff) or attends (pupil) an establishment.

    The link lets a case among its people reach the establishment (``handlers``) without cases
    knowing anything of reopening.
    """

    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.CASCADE,
        related_name="members",
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="establishment_memberships",
    )
    role = models.CharField(_("role"), max_length=10, choices=Affiliation.choices)
    group = models.CharField(
        _("class or dormitory"),
        max_length=60,
        blank=True,
        help_text=_("A school's class rules count cases by it (a disease's rule pack)."),
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        verbose_name = _("staff member or pupil")
        verbose_name_plural = _("staff and pupils")
        ordering = ["establishment_id", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["establishment", "person"], name="member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.establishment}"


class StatusChange(ScopedModel):
    """One move of an establishment's status, with the reason and the protocol clause applied."""

    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    previous = models.CharField(_("previous status"), max_length=10, choices=Status.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    at = models.DateTimeField(_("time"))
    #: ``at``'s date in Asia/Shanghai, kept so the progress series groups by an indexed column.
    day = models.DateField(_("day"), db_index=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    clause = models.CharField(_("protocol clause"), max_length=300, blank=True)
    actor = models.ForeignKey(
        USER,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["day", "establishment"])]

    def __str__(self) -> str:
        return f"{self.establishment}: {self.get_status_display()}"

    def save(self, *args, **kwargs):
        if self.day is None and self.at is not None:
            self.day = timezone.localdate(self.at)
        super().save(*args, **kwargs)

    @property
    def working_delta(self) -> int:
        """+1 when this move put the establishment back to work, −1 when it stopped it."""
        return int(self.status in WORKING_STATUSES) - int(self.previous in WORKING_STATUSES)


class Survey(_Scoped):
    """A survey campaign (主动摸排): every establishment of an area (of one kind, if given) asked
    for its state; those without a return by ``due_at`` are listed as unanswered."""

    title = models.CharField(_("title"), max_length=200)
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        related_name="reopening_surveys",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, blank=True)
    opened_at = models.DateTimeField(_("opened at"), default=clock.now)
    due_at = models.DateTimeField(_("answers due"))
    created_by = models.ForeignKey(
        USER,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return detail_url("reopening:survey_detail", self.pk)

    def targets(self):
        """The establishments this survey asks (all of them: scoping is the caller's)."""
        rows = Establishment.objects.subtree(self.jurisdiction_id)
        return rows.filter(kind=self.kind) if self.kind else rows

    def unanswered(self):
        return self.targets().exclude(survey_returns__survey=self)


class SurveyReturn(ScopedModel):
    """One establishment's answer to a survey: its state, people stuck, problems in words."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="returns"
    )
    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.CASCADE,
        related_name="survey_returns",
    )
    state = models.CharField(_("state"), max_length=10, choices=OperatingState.choices)
    staff_in_controlled_areas = models.PositiveIntegerField(
        _("staff stuck in controlled areas"), default=0
    )
    staff_in_quarantine = models.PositiveIntegerField(_("staff in quarantine"), default=0)
    supply_problem = models.CharField(_("supply-chain problem"), max_length=500, blank=True)
    permit_problem = models.CharField(_("permit problem"), max_length=500, blank=True)
    answered_at = models.DateTimeField(_("answered at"), default=clock.now)
    answered_by = models.ForeignKey(
        USER,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("survey return")
        verbose_name_plural = _("survey returns")
        ordering = ["-answered_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "establishment"], name="return_once"),
        ]

    def __str__(self) -> str:
        return f"{self.survey} · {self.establishment}"


class Application(ScopedModel):
    """An application to resume, its inspection and the decision.

    ``checklist`` holds, per item key of the protocol's checklist for the kind (``protocols.rules
    .resumption``), whether the establishment declares it in place; ``protocol``/``clause`` say
    which version and clause the checklist came from.
    """

    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.CASCADE,
        related_name="applications",
    )
    checklist = models.JSONField(_("checklist"), default=dict)
    protocol = models.CharField(_("protocol"), max_length=100, blank=True)
    clause = models.CharField(_("protocol clause"), max_length=300, blank=True)
    applied_at = models.DateTimeField(_("applied at"), default=clock.now)
    applied_by = models.ForeignKey(
        USER,
        verbose_name=_("applied by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    inspected_at = models.DateTimeField(_("inspected at"), null=True, blank=True)
    inspection_passed = models.BooleanField(_("inspection passed"), null=True)
    inspection_note = models.CharField(_("inspection note"), max_length=500, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    approved = models.BooleanField(_("approved"), null=True)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("resumption application")
        verbose_name_plural = _("resumption applications")
        ordering = ["-applied_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["establishment"],
                condition=Q(decided_at__isnull=True),
                name="one_pending_application",
            ),
        ]

    def __str__(self) -> str:
        return _("Application of %(name)s") % {"name": self.establishment}

    @property
    def missing_items(self) -> list[str]:
        return [k for k, done in self.checklist.items() if not done]


class Plan(ScopedModel):
    """One policy per enterprise (一企一策): the measures agreed with a key enterprise."""

    establishment = models.OneToOneField(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.CASCADE,
        related_name="plan",
    )
    measures = models.TextField(_("measures"), max_length=5000)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        verbose_name = _("enterprise plan")
        verbose_name_plural = _("enterprise plans")
        ordering = ["establishment_id"]

    def __str__(self) -> str:
        return _("Plan of %(name)s") % {"name": self.establishment}


class Problem(ScopedModel):
    """A problem an establishment raised, handed to a department as a task with a deadline.

    Its progress (done, overdue, escalated) is the task's: nothing is tracked twice.
    """

    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.CASCADE,
        related_name="problems",
    )
    category = models.CharField(_("category"), max_length=10, choices=ProblemCategory.choices)
    department = models.CharField(
        _("responsible department"), max_length=10, choices=Department.choices
    )
    description = models.TextField(_("description"), max_length=2000)
    task = models.OneToOneField(
        "tasks.Task",
        verbose_name=_("task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    raised_at = models.DateTimeField(_("raised at"), default=clock.now)
    raised_by = models.ForeignKey(
        USER,
        verbose_name=_("raised by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["-raised_at", "-id"]

    def __str__(self) -> str:
        return f"{self.establishment}: {self.get_category_display()}"


class Alert(ScopedModel):
    """A case among an establishment's staff or pupils, with the proposal to pause it."""

    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.CASCADE,
        related_name="alerts",
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(_("role"), max_length=10, choices=Affiliation.choices)
    raised_at = models.DateTimeField(_("raised at"), default=clock.now)
    status = models.CharField(
        _("status"), max_length=10, choices=AlertStatus.choices, default=AlertStatus.PROPOSED
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        USER,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    #: What the case's disease's rule pack says of the establishment now (``clusters``): the
    #: cluster it makes, the response, and the closure it calls for (a class, or all of it).
    finding = models.TextField(_("what the rules say"), blank=True)
    closure_days = models.PositiveSmallIntegerField(_("days to close"), null=True, blank=True)
    closure_group = models.CharField(_("class to close"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("case alert")
        verbose_name_plural = _("case alerts")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["establishment", "case"], name="alert_once"),
        ]

    def __str__(self) -> str:
        return _("Case among the people of %(name)s") % {"name": self.establishment}


class Target(_Scoped):
    """A resumption target a city (or county) sets: a share of a kind working by a date."""

    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="reopening_targets",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    percent = models.PositiveSmallIntegerField(_("target share working (%)"))
    by = models.DateField(_("by"))

    class Meta:
        verbose_name = _("resumption target")
        verbose_name_plural = _("resumption targets")
        ordering = ["by", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "kind", "by"], name="target_once"),
            models.CheckConstraint(condition=Q(percent__lte=100), name="target_percent_max"),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction} {self.get_kind_display()} {self.percent}% · {self.by}"
