"""People and households, with identity data kept encrypted (decision 0031)."""

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from pingji.core import clock
from pingji.core.access import ScopedModel, ScopedQuerySet
from pingji.core.crypto import decrypt, encrypt, lookup_hash
from pingji.core.links import detail_url
from pingji.core.personal_data import mask_id_number, mask_phone

from .choices import Sex
from .identity import normalize_id_number, normalize_phone

#: Meta.ordering is dropped by aggregating queries (member counts), so they ask for it explicitly.
HOUSEHOLD_ORDER = ("jurisdiction_id", "address", "id")


class Household(ScopedModel):
    """The people at one address: the unit of door checks and one-tube-per-household tests."""

    place = models.ForeignKey(
        "geo.Place", verbose_name=_("place"), on_delete=models.PROTECT, related_name="households"
    )
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("grid"),
        on_delete=models.PROTECT,
        related_name="households",
    )
    address = models.CharField(_("address"), max_length=300)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = list(HOUSEHOLD_ORDER)

    def __str__(self) -> str:
        return self.address

    def get_absolute_url(self) -> str:
        return detail_url("people:household_detail", self.pk)


class PersonQuerySet(ScopedQuerySet):
    """Look-ups by identity number or phone use the keyed hash: exact match, nothing decrypted."""

    def with_id_number(self, value: str) -> "PersonQuerySet":
        """Persons holding this identity number; an invalid number matches nobody."""
        try:
            number = normalize_id_number(value)
        except ValidationError:
            return self.none()
        return self.filter(id_number_hash=lookup_hash(number))

    def with_phone(self, value: str) -> "PersonQuerySet":
        """Persons reachable at this mobile number (a household often shares one)."""
        try:
            phone = normalize_phone(value)
        except ValidationError:
            return self.none()
        return self.filter(phone_hash=lookup_hash(phone))


class Person(ScopedModel):
    """A resident or anyone else the response must find, place, test or follow.

    The identity number and phone are stored only as ciphertext plus a keyed hash (HMAC-SHA256):
    the hash finds a person and refuses a duplicate without ever decrypting; the plain value is
    shown masked, and revealing it needs ``people.reveal_person`` and is logged as a domain event.
    ``jurisdiction`` is the grid of residence, copied from the household so scoping is one column.
    """

    audit_exclude = ("id_number_cipher", "phone_cipher")
    objects: ClassVar[PersonQuerySet] = PersonQuerySet.as_manager()  # type: ignore[assignment]

    name = models.CharField(_("full name"), max_length=60)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    id_number_cipher = models.BinaryField(
        _("identity number (encrypted)"), null=True, blank=True, editable=False
    )
    id_number_hash = models.CharField(
        _("identity number look-up hash"),
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        editable=False,
    )
    id_number_masked = models.CharField(
        _("identity number"), max_length=18, blank=True, editable=False
    )
    phone_cipher = models.BinaryField(_("phone (encrypted)"), null=True, blank=True, editable=False)
    phone_hash = models.CharField(
        _("phone look-up hash"), max_length=64, blank=True, db_index=True, editable=False
    )
    phone_masked = models.CharField(_("phone"), max_length=11, blank=True, editable=False)
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("grid of residence"),
        on_delete=models.PROTECT,
        related_name="persons",
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["jurisdiction_id", "name", "id"]
        permissions = [("reveal_person", _("Can reveal identity numbers and phones"))]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return detail_url("people:person_detail", self.pk)

    def set_id_number(self, id_number: str) -> None:
        """Keep a normalised identity number as ciphertext, look-up hash and mask ("" clears it)."""
        self.id_number_cipher = encrypt(id_number) if id_number else None
        self.id_number_hash = lookup_hash(id_number) if id_number else None
        self.id_number_masked = mask_id_number(id_number)

    def set_phone(self, phone: str) -> None:
        """Keep a normalised mobile number as ciphertext, look-up hash and mask ("" clears it)."""
        self.phone_cipher = encrypt(phone) if phone else None
        self.phone_hash = lookup_hash(phone) if phone else ""
        self.phone_masked = mask_phone(phone)

    def reveal(self) -> dict[str, str]:
        """The plain identity number and phone; callers go through ``do_reveal_identity``."""
        return {
            "id_number": decrypt(self.id_number_cipher) if self.id_number_cipher else "",
            "phone": decrypt(self.phone_cipher) if self.phone_cipher else "",
        }
