"""Quarantine sites and rooms, placements under a protocol's regime, their tests, checks, releases.

A ``Placement`` is one person's episode from being placed until the end of health monitoring: it
moves from a site to their home (release), between sites (transfer) and between jurisdictions, and
``HistoryEntry`` rows keep that one continuous history. ``jurisdiction`` is whoever manages the
person *now* — the site's jurisdiction while at a site, the home grid afterwards — so the grid
worker finds the people handed over to them by the usual prefix rule (decision 0001).
Tests, checks and history are scoped through their placement, so they follow the person.
"""

import datetime
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pingji.core import clock
from pingji.core.access import ScopedModel
from pingji.core.links import detail_url
from pingji.core.models import user_fk
from pingji.protocols.choices import ReleaseTest

from ..access import SiteScopedQuerySet
from ..choices import (
    CheckSource,
    EntryKind,
    HomePhase,
    PlacementStatus,
    RegimeCategory,
    Setting,
    SiteKind,
    SiteStatus,
    TestStatus,
)


class Site(ScopedModel):
    """A centralised quarantine site (a requisitioned hotel, most often) and its staff.

    Capacity is counted in rooms of one person each, as the 8th edition requires single rooms
    (单人单间) for close contacts; ``Room.beds`` allows the exceptions (a parent with a child).
    """

    site_path = ""
    objects: ClassVar[models.Manager] = SiteScopedQuerySet.as_manager()

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=SiteKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=SiteStatus.choices, default=SiteStatus.OPEN
    )
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    place = models.ForeignKey(
        "geo.Place",
        verbose_name=_("place"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("duty phone"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("quarantine site")
        verbose_name_plural = _("quarantine sites")
        ordering = ["jurisdiction_id", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return detail_url("quarantine:site_detail", self.pk)


class Room(ScopedModel):
    """A room of a site; ``out_of_service`` rooms (repairs, disinfection) take nobody."""

    site_path = "site"
    scope_field = "site__jurisdiction__code"
    objects: ClassVar[models.Manager] = SiteScopedQuerySet.as_manager()

    site = models.ForeignKey(
        Site,
        verbose_name=pgettext_lazy("quarantine", "site"),
        on_delete=models.CASCADE,
        related_name="rooms",
    )
    number = models.CharField(_("room number"), max_length=20)
    beds = models.PositiveSmallIntegerField(_("beds"), default=1)
    out_of_service = models.BooleanField(_("out of service"), default=False)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["site_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["site", "number"], name="room_number_once_per_site"),
            models.CheckConstraint(condition=Q(beds__gte=1), name="room_has_a_bed"),
        ]

    def __str__(self) -> str:
        return f"{self.site.name} {self.number}"


class SiteStaff(ScopedModel):
    """A user working at a site. A site manager sees only the sites they are staff of."""

    site_path = "site"
    scope_field = "site__jurisdiction__code"
    objects: ClassVar[models.Manager] = SiteScopedQuerySet.as_manager()

    site = models.ForeignKey(
        Site,
        verbose_name=pgettext_lazy("quarantine", "site"),
        on_delete=models.CASCADE,
        related_name="staff",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="quarantine_sites",
    )
    since = models.DateField(_("since"), default=clock.today)

    class Meta:
        verbose_name = _("site staff member")
        verbose_name_plural = _("site staff")
        ordering = ["site_id", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "user"], name="staff_once_per_site"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.site}"


class Placement(ScopedModel):
    """One person's episode of quarantine and health monitoring under a protocol's regime.

    The regime is copied from the protocol in force when the person was placed (``protocol``,
    ``clause``): days are counted from the last exposure (``exposure_on`` = day 0, the regime's
    ``counted_from``), the site phase covers days 1…``centralized_days``, home days are numbered
    within the home phase (the protocols' "home day 3"). A later protocol changes these only
    through ``do_apply_protocol``, with a reason (nobody's end date changes silently).
    ``last_check_on`` and ``next_test_on`` are kept by the actions so that today's list is one
    indexed query at any volume (docs/decisions/0010).
    """

    site_path = "site"
    objects: ClassVar[models.Manager] = SiteScopedQuerySet.as_manager()

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    contact = models.ForeignKey(
        "tracing.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    category = models.CharField(_("category"), max_length=30, choices=RegimeCategory.choices)
    protocol = models.ForeignKey(
        "protocols.Protocol",
        verbose_name=_("protocol applied"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    clause = models.CharField(_("clause"), max_length=300, blank=True)
    exposure_on = models.DateField(_("last exposure (day 0)"))
    centralized_days = models.PositiveSmallIntegerField(_("centralised days"))
    home_quarantine_days = models.PositiveSmallIntegerField(_("home quarantine days"))
    home_monitoring_days = models.PositiveSmallIntegerField(_("home monitoring days"))
    release_test = models.CharField(
        _("test at release"), max_length=20, choices=ReleaseTest.choices, default=ReleaseTest.NONE
    )
    planned_release_on = models.DateField(_("planned release"))
    planned_end_on = models.DateField(_("planned end of monitoring"))
    setting = models.CharField(_("held"), max_length=12, choices=Setting.choices)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=PlacementStatus.choices,
        default=PlacementStatus.ACTIVE,
        db_index=True,
    )
    site = models.ForeignKey(
        Site,
        verbose_name=pgettext_lazy("quarantine", "site"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placements",
    )
    room = models.ForeignKey(
        Room,
        verbose_name=_("room"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placements",
    )
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("managing jurisdiction"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    home = models.ForeignKey(
        "geo.Jurisdiction", verbose_name=_("home grid"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(
        _("home address"),
        max_length=300,
        blank=True,
        help_text=_("Where the home phase is spent, when the person moved home during it."),
    )
    placed_at = models.DateTimeField(_("placed at"))
    placed_by = user_fk(_("placed by"))
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_check_on = models.DateField(_("last check-in"), null=True, blank=True)
    next_test_on = models.DateField(_("next test due"), null=True, blank=True)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status="active"),
                name="placement_one_active_per_person",
            ),
            models.CheckConstraint(
                condition=Q(planned_end_on__gte=models.F("planned_release_on")),
                name="placement_ends_after_release",
            ),
        ]
        indexes = [models.Index(fields=["jurisdiction", "status"], name="placement_scope_status")]
        permissions = [
            ("release_placement", _("Can approve releases from quarantine")),
            ("override_placement", _("Can release before eligibility, with a justification")),
            ("apply_placement", _("Can apply a new protocol to placements under way")),
        ]

    def __str__(self) -> str:
        return _("Placement %(number)s") % {"number": self.pk or "—"}

    def get_absolute_url(self) -> str:
        return detail_url("quarantine:placement_detail", self.pk)

    @property
    def is_active(self) -> bool:
        return self.status == PlacementStatus.ACTIVE

    @property
    def home_days(self) -> int:
        return self.home_quarantine_days + self.home_monitoring_days

    def day_of(self, on: datetime.date) -> int:
        """Day number counted from the last exposure (day 0)."""
        return (on - self.exposure_on).days

    def home_day_of(self, on: datetime.date) -> int:
        """Day number within the home phase (home day 1 = the day after the planned release)."""
        return (on - self.planned_release_on).days

    def home_phase_on(self, on: datetime.date) -> str:
        """Home quarantine first, then health monitoring, as the regime orders them."""
        if self.home_day_of(on) <= self.home_quarantine_days:
            return HomePhase.HOME_QUARANTINE
        return HomePhase.HOME_MONITORING


class PlacementPart(ScopedModel):
    """Rows that follow their placement: scoped through it, visible to whoever manages it now."""

    site_path = "placement__site"
    scope_field = "placement__jurisdiction__code"
    objects: ClassVar[models.Manager] = SiteScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class ScheduledTest(PlacementPart):
    """A nucleic acid test the regime schedules (or an extra one), and its result.

    ``day`` counts from the last exposure; ``home_day`` is set for tests of the home phase. A test
    the protocol no longer asks for after a change is ``cancelled``, never deleted.
    """

    placement = models.ForeignKey(
        Placement, verbose_name=_("placement"), on_delete=models.CASCADE, related_name="tests"
    )
    day = models.SmallIntegerField(_("day"))
    home_day = models.SmallIntegerField(_("home day"), null=True, blank=True)
    setting = models.CharField(_("where"), max_length=12, choices=Setting.choices)
    due_on = models.DateField(_("due on"), db_index=True)
    double_sampling = models.BooleanField(_("double sampling"), default=False)
    scheduled = models.BooleanField(_("scheduled by the regime"), default=True)
    status = models.CharField(
        _("result"), max_length=10, choices=TestStatus.choices, default=TestStatus.PENDING
    )
    sampled_at = models.DateTimeField(_("sampled at"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    recorded_by = user_fk(_("recorded by"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("scheduled test")
        verbose_name_plural = _("scheduled tests")
        ordering = ["placement_id", "due_on", "id"]

    def __str__(self) -> str:
        return _("Test of day %(day)s") % {"day": self.day}

    @property
    def is_open(self) -> bool:
        return self.status == TestStatus.PENDING


class MonitoringCheck(PlacementPart):
    """One day's health check (temperature, symptoms), stored when it is recorded.

    Which checks are due is computed from the placement's days (decision 0010): rows exist only for
    checks done, so 100,000 people under monitoring do not make 2 million rows of pending work.
    """

    placement = models.ForeignKey(
        Placement, verbose_name=_("placement"), on_delete=models.CASCADE, related_name="checks"
    )
    on = models.DateField(_("day"))
    day = models.SmallIntegerField(_("day number"))
    temperature = models.DecimalField(_("temperature (°C)"), max_digits=3, decimal_places=1)
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = user_fk(_("recorded by"))
    source = models.CharField(
        _("recorded through"), max_length=8, choices=CheckSource.choices, default=CheckSource.STAFF
    )

    class Meta:
        verbose_name = _("health check")
        verbose_name_plural = _("health checks")
        ordering = ["placement_id", "-on"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "on"], name="one_check_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.on} {self.temperature}"

    @property
    def abnormal(self) -> bool:
        return bool(self.symptoms) or self.temperature >= FEVER_CELSIUS


#: 37.3 °C: the fever threshold of the 8th edition's health monitoring (体温≥37.3℃).
FEVER_CELSIUS = 37.3


class Release(ScopedModel):
    """The decision to release a person from centralised quarantine, with its approver.

    The eligibility as computed at the moment of decision is kept (``reasons``), and an early
    release keeps the justification given for overriding it. Scoped to the releasing site's
    jurisdiction: the decision stays with those who took it when the person goes home elsewhere.
    """

    site_path = "site"
    objects: ClassVar[models.Manager] = SiteScopedQuerySet.as_manager()

    placement = models.ForeignKey(
        Placement, verbose_name=_("placement"), on_delete=models.CASCADE, related_name="releases"
    )
    site = models.ForeignKey(
        Site,
        verbose_name=pgettext_lazy("quarantine", "site"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="releases",
    )
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("releasing jurisdiction"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"))
    approved_by = user_fk(_("approved by"))
    eligible = models.BooleanField(_("eligible"))
    reasons = models.JSONField(_("reasons"), default=list)
    overridden = models.BooleanField(_("eligibility overridden"), default=False)
    justification = models.TextField(_("justification"), blank=True, max_length=2000)
    to_jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("released to"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    dispatch_id = models.PositiveIntegerField(_("dispatch"), null=True, blank=True)

    class Meta:
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return _("Release of %(placement)s") % {"placement": self.placement}


class HistoryEntry(PlacementPart):
    """A step of the placement's history: placed, transferred, released, moved home, ended."""

    placement = models.ForeignKey(
        Placement, verbose_name=_("placement"), on_delete=models.CASCADE, related_name="history"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    at = models.DateTimeField(_("time"))
    actor = user_fk(_("by"))
    from_site = models.ForeignKey(
        Site,
        verbose_name=_("from site"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    to_site = models.ForeignKey(
        Site,
        verbose_name=_("to site"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_jurisdiction = models.CharField(_("from jurisdiction"), max_length=15, blank=True)
    to_jurisdiction = models.CharField(_("to jurisdiction"), max_length=15, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    payload = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history entries")
        ordering = ["placement_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"
