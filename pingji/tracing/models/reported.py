"""A contact known only by what the investigator was told, living in another county (0042).

The investigating county cannot see persons registered elsewhere and must not learn whether or
where someone is registered (decision 0031), so it records what it knows — name, identity number,
phone, address, the county the person is believed to live in — and sends it as a dispatch
(``Dispatch.reported``). The receiving county reads these particulars through its dispatch and
resolves it to one of its residents, or registers them (``actions.reported``). The row stays with
the investigation that found the contact, like every contact (scope: the investigating grid).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from pingji.core import clock
from pingji.core.access import ScopedModel
from pingji.core.crypto import decrypt, encrypt, lookup_hash
from pingji.core.models import user_fk
from pingji.core.personal_data import mask_id_number, mask_phone

from ..choices import ContactTier, Setting


class ReportedContact(ScopedModel):
    """Who the investigator says a contact is: particulars, tier, setting and last exposure.

    Identity number and phone are kept like a person's: ciphertext, keyed look-up hash (which the
    receiving county matches against its own residents only) and mask.
    """

    audit_exclude = ("id_number_cipher", "phone_cipher", "id_number_hash", "phone_hash")

    investigation = models.ForeignKey(
        "tracing.Investigation",
        verbose_name=_("investigation"),
        on_delete=models.CASCADE,
        related_name="reported_contacts",
    )
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("investigating jurisdiction"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("full name"), max_length=60)
    id_number_cipher = models.BinaryField(
        _("identity number (encrypted)"), null=True, blank=True, editable=False
    )
    id_number_hash = models.CharField(
        _("identity number look-up hash"), max_length=64, blank=True, editable=False
    )
    id_number_masked = models.CharField(
        _("identity number"), max_length=18, blank=True, editable=False
    )
    phone_cipher = models.BinaryField(_("phone (encrypted)"), null=True, blank=True, editable=False)
    phone_hash = models.CharField(
        _("phone look-up hash"), max_length=64, blank=True, editable=False
    )
    phone_masked = models.CharField(_("phone"), max_length=11, blank=True, editable=False)
    address = models.CharField(_("address"), max_length=300, blank=True)
    tier = models.CharField(_("tier"), max_length=30, choices=ContactTier.choices)
    setting = models.CharField(_("setting"), max_length=12, choices=Setting.choices)
    last_exposure_at = models.DateTimeField(_("last exposure"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    reported_by = user_fk(_("reported by"))
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("contact living elsewhere")
        verbose_name_plural = _("contacts living elsewhere")
        ordering = ["tier", "-last_exposure_at", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_tier_display()})"

    def set_id_number(self, id_number: str) -> None:
        """A normalised identity number as ciphertext, look-up hash and mask ("" for none)."""
        self.id_number_cipher = encrypt(id_number) if id_number else None
        self.id_number_hash = lookup_hash(id_number) if id_number else ""
        self.id_number_masked = mask_id_number(id_number)

    def set_phone(self, phone: str) -> None:
        """A normalised mobile number as ciphertext, look-up hash and mask ("" for none)."""
        self.phone_cipher = encrypt(phone) if phone else None
        self.phone_hash = lookup_hash(phone) if phone else ""
        self.phone_masked = mask_phone(phone)

    def plain(self) -> dict[str, str]:
        """The plain identity number and phone, for registering the person (never shown)."""
        return {
            "id_number": decrypt(self.id_number_cipher) if self.id_number_cipher else "",
            "phone": decrypt(self.phone_cipher) if self.phone_cipher else "",
        }
