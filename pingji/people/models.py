"""People and households, with identity data kept encrypted (handbook, convention 5)."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pingji.core.access import ScopedModel

from .choices import Sex
from .crypto import decrypt


class Household(ScopedModel):
    """The people who live at one address; the unit of door checks and one-tube-per-household tests."""

    place = models.ForeignKey(
        "geo.Place", verbose_name=_("place"), on_delete=models.PROTECT, related_name="households"
    )
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction", verbose_name=_("grid"), on_delete=models.PROTECT,
        related_name="households",
    )
    address = models.CharField(_("address"), max_length=300)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["jurisdiction", "address"]

    def __str__(self) -> str:
        return self.address

    def get_absolute_url(self) -> str:
        return reverse("people:household_detail", args=[self.pk])


class Person(ScopedModel):
    """A resident or anyone else the response must find, place, test or follow.

    The identity number and phone are stored only as ciphertext plus a keyed hash (HMAC-SHA256):
    the hash finds a person and refuses a duplicate without ever decrypting; the plain value is
    shown masked, and revealing it needs ``people.reveal_person`` and is logged as a domain event.
    ``jurisdiction`` is the grid of residence, copied from the household so scoping is one column.
    """

    audit_exclude = ("id_number_cipher", "phone_cipher")

    name = models.CharField(_("name"), max_length=60)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    id_number_cipher = models.BinaryField(_("identity number (encrypted)"), null=True, editable=False)
    id_number_hash = models.CharField(
        _("identity number look-up hash"), max_length=64, null=True, blank=True, unique=True,
        editable=False,
    )
    id_number_masked = models.CharField(
        _("identity number"), max_length=18, blank=True, editable=False
    )
    phone_cipher = models.BinaryField(_("phone (encrypted)"), null=True, editable=False)
    phone_hash = models.CharField(
        _("phone look-up hash"), max_length=64, blank=True, db_index=True, editable=False
    )
    phone_masked = models.CharField(_("phone"), max_length=11, blank=True, editable=False)
    household = models.ForeignKey(
        Household, verbose_name=_("household"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="members",
    )
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction", verbose_name=_("grid of residence"), on_delete=models.PROTECT,
        related_name="persons",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["jurisdiction", "name", "id"]
        permissions = [("reveal_person", _("Can reveal identity numbers and phones"))]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("people:person_detail", args=[self.pk])

    def reveal(self) -> dict[str, str]:
        """The plain identity number and phone. Callers go through ``actions.do_reveal_identity``."""
        return {
            "id_number": decrypt(self.id_number_cipher) if self.id_number_cipher else "",
            "phone": decrypt(self.phone_cipher) if self.phone_cipher else "",
        }
