from django.db import models
from django.utils.translation import gettext_lazy as _


class SupplyCategory(models.TextChoices):
    MASKS = "masks", _("masks")
    PROTECTIVE_SUITS = "protective_suits", _("protective suits")
    TEST_KITS = "test_kits", _("test kits and reagents")
    SWABS = "swabs", _("sampling swabs and tubes")
    DISINFECTANT = "disinfectant", _("disinfectant")
    ANTIVIRALS = "antivirals", _("antivirals and medicines")
    LARVICIDE = "larvicide", _("larvicides and insecticides")
    SPRAYERS = "sprayers", _("sprayers and fogging machines")
    OTHER = "other", _("other supplies")


class StoreKind(models.TextChoices):
    GOVERNMENT = "government", _("government reserve")
    CDC = "cdc", _("disease control centre")
    HOSPITAL = "hospital", _("hospital")
    QUARANTINE_SITE = "quarantine_site", _("quarantine site")
    OTHER = "other", _("other store")


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", _("receipt")
    ISSUE = "issue", _("issue")
    TRANSFER_OUT = "transfer_out", _("transfer out")
    TRANSFER_IN = "transfer_in", _("transfer in")
    EXPIRY = "expiry", _("written off as expired")


#: The sign of each movement on the stock of its store.
SIGN: dict[str, int] = {
    MovementKind.RECEIPT: 1,
    MovementKind.TRANSFER_IN: 1,
    MovementKind.ISSUE: -1,
    MovementKind.TRANSFER_OUT: -1,
    MovementKind.EXPIRY: -1,
}


class FacilityKind(models.TextChoices):
    DESIGNATED_HOSPITAL = "designated_hospital", _("designated hospital")
    FEVER_CLINIC = "fever_clinic", _("fever clinic")
    SENTINEL_CLINIC = "sentinel_clinic", _("sentinel clinic")
    LAB = "lab", _("testing laboratory")
    SAMPLING_POINT = "sampling_point", _("sampling point")
    QUARANTINE_RESERVE = "quarantine_reserve", _("quarantine rooms in reserve")


class StaffRole(models.TextChoices):
    EPIDEMIOLOGIST = "epidemiologist", _("epidemiologists")
    SAMPLER = "sampler", _("samplers")
    LAB_STAFF = "lab_staff", _("laboratory staff")
    CLINICIAN = "clinician", _("clinicians")
    NURSE = "nurse", _("nurses")
