"""Emergency supplies by store and batch, medical capacity and the workforce of a jurisdiction.

Stock is kept per batch (``Batch.quantity``) so expiry can be enforced and issued first-expiry-first
-out; every change of a batch is a ``Movement`` row with its sign, so reserve days "as of" any day
are one aggregate over movements (``reserves``), never a Python loop.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pingji.core import clock
from pingji.core.access import ScopedModel
from pingji.core.audit import AuditedManager
from pingji.core.links import detail_url

from .choices import FacilityKind, MovementKind, StaffRole, StoreKind, SupplyCategory


class SupplyItem(models.Model):
    """A kind of supply in the catalogue (N95 masks, antigen kits…), the same for every store.

    Not scoped: the catalogue is shared by the whole province, like a unit of measure.
    """

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    category = models.CharField(_("category"), max_length=20, choices=SupplyCategory.choices)
    unit = models.CharField(_("unit"), max_length=20)

    objects = AuditedManager()

    class Meta:
        verbose_name = _("supply item")
        verbose_name_plural = _("supply items")
        ordering = ["category", "code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"


class Store(ScopedModel):
    """A place emergency supplies are kept: a government reserve, a CDC, a hospital's store."""

    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="stores",
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=StoreKind.choices)
    address = models.CharField(_("address"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        ordering = ["jurisdiction_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "name"], name="store_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return detail_url("resources:store_detail", self.pk)


class Batch(ScopedModel):
    """One lot of an item in a store, with its expiry date and what is left of it.

    ``jurisdiction`` is the store's, copied so the scope filter needs no join. The database refuses
    a negative quantity, so no race can overdraw a batch even past a bug in the action.
    """

    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    store = models.ForeignKey(
        Store, verbose_name=_("store"), on_delete=models.PROTECT, related_name="batches"
    )
    item = models.ForeignKey(
        SupplyItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="batches"
    )
    lot = models.CharField(_("lot number"), max_length=60)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    quantity = models.IntegerField(_("quantity on hand"), default=0)

    class Meta:
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        ordering = ["store_id", "item_id", "expires_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["store", "item", "lot"], name="batch_unique_lot"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="batch_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.item.name} · {self.lot}"


class Movement(ScopedModel):
    """One receipt, issue, transfer leg or expiry write-off of a batch; never edited.

    ``delta`` is the signed change of the store's stock and ``day`` the Asia/Shanghai date of
    ``at``, stored so that reserve days aggregate by day in plain SQL on any database.
    """

    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    store = models.ForeignKey(
        Store, verbose_name=_("store"), on_delete=models.PROTECT, related_name="movements"
    )
    item = models.ForeignKey(
        SupplyItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    batch = models.ForeignKey(
        Batch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="movements"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MovementKind.choices)
    quantity = models.PositiveIntegerField(_("quantity"))
    delta = models.IntegerField(_("change of stock"))
    at = models.DateTimeField(_("time"), default=clock.now)
    day = models.DateField(_("day"))
    counterpart = models.ForeignKey(
        Store,
        verbose_name=_("other store"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["store", "item", "day"])]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="movement_positive")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.quantity} {self.item.unit}"


class Facility(ScopedModel):
    """Medical and public-health capacity in peacetime reserve: beds, clinics, labs, rooms.

    One row per facility; the figures that matter for its kind are filled (beds for a designated
    hospital, samples a day for a lab, rooms for a quarantine reserve).
    """

    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="facilities",
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=FacilityKind.choices)
    general_beds = models.PositiveIntegerField(_("general beds"), default=0)
    icu_beds = models.PositiveIntegerField(_("ICU beds"), default=0)
    daily_capacity = models.PositiveIntegerField(
        _("capacity per day"), default=0, help_text=_("Samples a day for a lab or sampling point.")
    )
    rooms = models.PositiveIntegerField(_("rooms"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["jurisdiction_id", "kind", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return detail_url("resources:facility_detail", self.pk)


class Workforce(ScopedModel):
    """How many people of a role a jurisdiction can call on (epidemiologists, samplers…)."""

    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    role = models.CharField(_("role"), max_length=20, choices=StaffRole.choices)
    headcount = models.PositiveIntegerField(_("headcount"))
    needed = models.PositiveIntegerField(
        _("needed"), default=0, help_text=_("The headcount the emergency plan asks for.")
    )

    class Meta:
        verbose_name = _("workforce")
        verbose_name_plural = _("workforce")
        ordering = ["jurisdiction_id", "role"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "role"], name="workforce_one_per_role")
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id} {self.get_role_display()}: {self.headcount}"


class _StorePair(models.Model):
    """One item in one store, the key of the read model (indexed by each model's unique key)."""

    #: Derived from movements, which the change log already holds; logging these would log every
    #: movement again (``core.audit``).
    audited = False

    store = models.ForeignKey(
        Store, verbose_name=_("store"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    item = models.ForeignKey(
        SupplyItem,
        verbose_name=_("item"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )

    class Meta:
        abstract = True


class StockDay(_StorePair):
    """One item in one store on one day: the net change of stock and the quantity issued.

    A read model of ``Movement`` (decision 0025), upserted by every stock action in the transaction
    that writes the movement, so reserve days never aggregate a year of movements: the peak day of
    the window is a look-up over at most ``peak_window_days`` rows of a pair, by its unique index.
    Not scoped on its own and never shown: it is read only by ``reserves.reserve_rows``, which
    callers restrict by store.
    """

    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    day = models.DateField(_("day"))
    net = models.IntegerField(_("change of stock"), default=0)
    used = models.IntegerField(_("quantity issued"), default=0)

    class Meta:
        verbose_name = _("stock of a day")
        verbose_name_plural = _("stock by day")
        constraints = [
            models.UniqueConstraint(fields=["store", "item", "day"], name="stockday_one_per_day")
        ]
        indexes = [models.Index(fields=["day"], name="stockday_day")]

    def __str__(self) -> str:
        return f"{self.store_id}/{self.item_id} {self.day}: {self.net:+d}, used {self.used}"


class StockLevel(_StorePair):
    """The stock on hand of one item in one store now, and its peak daily use as of ``peak_on``.

    ``on_hand`` is kept current by every stock action (the sum of its movements' deltas);
    ``peak`` is the largest ``StockDay.used`` in the ``peak_window`` days up to ``peak_on``,
    set by the daily job ``resources.refresh_peaks`` and raised by an issue falling in that window,
    so reserve days as of ``peak_on`` are read from this one row per pair (decision 0025).
    Like ``StockDay``, not scoped on its own and never shown: only ``reserves.reserve_rows`` reads
    it, by the area code its caller is scoped to (so the shared permission suite leaves it out).
    """

    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    on_hand = models.IntegerField(_("quantity on hand"), default=0)
    first_day = models.DateField(_("first movement"))
    last_day = models.DateField(_("last movement"))
    peak = models.IntegerField(_("peak daily use"), default=0)
    peak_on = models.DateField(_("peak as of"), null=True, blank=True)
    peak_window = models.PositiveSmallIntegerField(_("peak window (days)"), default=0)

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        constraints = [
            models.UniqueConstraint(fields=["store", "item"], name="stocklevel_one_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.store_id}/{self.item_id}: {self.on_hand} on hand, peak {self.peak}"
