"""Mass-testing campaigns: rounds, sampling points, uploads, per-area coverage, positive tubes.

Samples and results themselves are streams of millions of rows a round: they live in the
analytic store (``store``: Parquet by day, read by DuckDB), never in these tables: each
fact has one store, the lake for streams, the ORM for what people edit (decision 0012). What people
work on comes back here: the per-area
coverage of a round, every positive tube and, for each of its members, a follow-up that is a work
item in the member's grid.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pingji.core import clock
from pingji.core.access import ScopedModel
from pingji.core.links import detail_url

from .choices import (
    FollowUpStatus,
    PoolingMode,
    PoolingSetting,
    RoundStatus,
    TestingScope,
    UploadKind,
    UploadStatus,
)


class Campaign(ScopedModel):
    """All-resident nucleic-acid screening of an area (全员核酸检测), run in numbered rounds.

    The area is jurisdictions (subtrees) and/or places (compounds, buildings: their households'
    residents); ``jurisdiction`` is the level that runs it. ``setting`` is the kind of place the
    protocol's pooling rule is read for (single tubes in quarantine sites, one tube per household
    in sealed compounds, 5:1/10:1/20:1 elsewhere), ``scope`` the deadline band (a whole city or a
    delineated area).
    """

    name = models.CharField(_("name"), max_length=200)
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("run by"),
        on_delete=models.PROTECT,
        related_name="testing_campaigns",
    )
    areas = models.ManyToManyField(
        "geo.Jurisdiction", verbose_name=_("jurisdictions covered"), blank=True, related_name="+"
    )
    places = models.ManyToManyField(
        "geo.Place", verbose_name=_("places covered"), blank=True, related_name="+"
    )
    setting = models.CharField(
        _("setting"),
        max_length=20,
        choices=PoolingSetting.choices,
        default=PoolingSetting.GENERAL,
    )
    scope = models.CharField(
        _("deadline scope"), max_length=20, choices=TestingScope.choices, default=TestingScope.CITY
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        verbose_name = _("testing campaign")
        verbose_name_plural = _("testing campaigns")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return detail_url("testing:campaign_detail", self.pk)


class Round(ScopedModel):
    """One round of a campaign: start, protocol deadline, frozen target population, pooling.

    The deadline is the protocol's (``mass_testing``: a delineated area within 24 h; a city of
    up to 5 million in 2 days, above in 3), the pooling mode and ratio the protocol's rule for the
    campaign's setting (``pooling``); both are copied here with their clause, so the round keeps
    what it was opened under when the protocol changes. The target residents are frozen into the
    analytic store when the round opens (``store.snapshot_targets``): coverage is measured
    against the people who lived there then.
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="rounds"
    )
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction", verbose_name=_("run by"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.PositiveSmallIntegerField(_("round"))
    protocol = models.ForeignKey(
        "protocols.Protocol", verbose_name=_("protocol"), on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField(_("starts at"))
    deadline = models.DateTimeField(_("deadline"))
    deadline_clause = models.CharField(_("deadline clause"), max_length=300, blank=True)
    target = models.PositiveIntegerField(_("target population"), default=0)
    pool_mode = models.CharField(_("pooling"), max_length=20, choices=PoolingMode.choices)
    pool_ratio = models.PositiveSmallIntegerField(_("samples per tube"), default=1)
    pooling_clause = models.CharField(_("pooling clause"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("testing round")
        verbose_name_plural = _("testing rounds")
        ordering = ["campaign_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="testing_round_number")
        ]

    def __str__(self) -> str:
        return _("%(campaign)s, round %(n)s") % {"campaign": self.campaign, "n": self.number}

    def get_absolute_url(self) -> str:
        return detail_url("testing:round_detail", self.pk)


class SamplingPoint(ScopedModel):
    """Where a round samples (采样点): its place, staff and opening hours.

    Sampling files name the point by this row's id (``point`` column).
    """

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="points"
    )
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    place = models.ForeignKey(
        "geo.Place",
        verbose_name=_("place"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    staff = models.PositiveSmallIntegerField(_("sampling staff"), default=0)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("sampling point")
        verbose_name_plural = _("sampling points")
        ordering = ["round_id", "name"]

    def __str__(self) -> str:
        return self.name


class Upload(ScopedModel):
    """A sampling or results file of a round: applied whole or not at all, and only once.

    ``sha256`` is the content hash: the same file uploaded again for the same round and kind
    returns the upload that already applied it (or is applying it) and changes nothing.
    ``errors`` holds the per-row report of a refused file (row, field, reason).
    """

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="uploads"
    )
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction", verbose_name=_("run by"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=UploadKind.choices)
    filename = models.CharField(_("file name"), max_length=255)
    path = models.CharField(_("stored file"), max_length=500, editable=False)
    sha256 = models.CharField(_("content hash"), max_length=64, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=UploadStatus.choices, default=UploadStatus.QUEUED
    )
    rows = models.PositiveIntegerField(_("rows"), default=0)
    error_count = models.PositiveIntegerField(_("problems"), default=0)
    errors = models.JSONField(_("problems by row"), default=list, blank=True)
    job = models.ForeignKey(
        "core.Job",
        verbose_name=_("job"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), default=clock.now)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("testing upload")
        verbose_name_plural = _("testing uploads")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "kind", "sha256"],
                condition=models.Q(status__in=["queued", "applied"]),
                name="testing_upload_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.filename}"

    def get_absolute_url(self) -> str:
        return detail_url("testing:upload_detail", self.pk)


class Coverage(ScopedModel):
    """How far a round got in one grid (and one compound of it): the operational summary.

    Rewritten by every applied upload from the analytic store; higher levels (community,
    township, county) are sums over code prefixes. ``place`` is the compound (a building counts
    under its compound); residents without one are the row with no place.
    """

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="coverage"
    )
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    place = models.ForeignKey(
        "geo.Place",
        verbose_name=_("compound"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    target = models.PositiveIntegerField(_("target"), default=0)
    sampled = models.PositiveIntegerField(_("sampled"), default=0)
    resulted = models.PositiveIntegerField(_("with result"), default=0)
    positive = models.PositiveIntegerField(_("in a positive tube"), default=0)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        verbose_name = _("coverage")
        verbose_name_plural = _("coverage")
        ordering = ["round_id", "jurisdiction_id", "place_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "jurisdiction", "place"],
                name="testing_coverage_area",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id}: {self.sampled}/{self.target}"


class PositiveTube(ScopedModel):
    """A tube of a round that came back positive (pooled or single), with its provenance.

    ``jurisdiction`` is the lowest level containing every member's grid, so each member's grid
    and every level above sees the tube.
    """

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="positive_tubes"
    )
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    barcode = models.CharField(_("tube barcode"), max_length=32)
    size = models.PositiveSmallIntegerField(_("samples in tube"))
    resulted_at = models.DateTimeField(_("result time"))
    upload = models.ForeignKey(
        Upload, verbose_name=_("results file"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("positive tube")
        verbose_name_plural = _("positive tubes")
        ordering = ["-resulted_at", "barcode"]
        constraints = [
            models.UniqueConstraint(fields=["round", "barcode"], name="testing_positive_tube")
        ]

    def __str__(self) -> str:
        return self.barcode

    def get_absolute_url(self) -> str:
        return detail_url("testing:tube_detail", self.pk)


class FollowUp(ScopedModel):
    """One member of a positive tube: under immediate control, retested in a single tube.

    The protocol's positive-pool action (``Pooling.positive_pool_action``:
    管内全部人员立即就地管控，逐人单管复核) becomes a work item in the member's grid
    (``tasks``, kind ``testing.retest``) whose source is this row. A single tube that is itself
    positive needs no retest: its follow-up starts ``positive``, and the page offers the case
    report pre-filled.
    """

    tube = models.ForeignKey(
        PositiveTube, verbose_name=_("tube"), on_delete=models.CASCADE, related_name="members"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=FollowUpStatus.choices,
        default=FollowUpStatus.AWAITING_RETEST,
    )
    sampled_at = models.DateTimeField(_("sampling time"))
    retest_barcode = models.CharField(_("retest tube"), max_length=32, blank=True)
    retest_at = models.DateTimeField(_("retest result time"), null=True, blank=True)

    class Meta:
        verbose_name = _("positive-tube follow-up")
        verbose_name_plural = _("positive-tube follow-ups")
        ordering = ["tube_id", "person_id"]
        constraints = [
            models.UniqueConstraint(fields=["tube", "person"], name="testing_followup_member")
        ]

    def __str__(self) -> str:
        return f"{self.tube} · {self.person}"

    def get_absolute_url(self) -> str:
        return detail_url("testing:followup_detail", self.pk)
