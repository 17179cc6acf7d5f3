"""Reading the disease packs (decision 0041): which diseases there are, the figure of a disease
(or of its variant dominant on a day) with where it comes from, its surveillance series and the
reserves its readiness reads.

The packs are data (``data/diseases/*.json``, loaded into ``Disease``); code never holds a
pathogen's number. Every figure comes back as a ``PackFigure`` that names the pack, the variant
and the field it was read from, so an estimate can record which figure it used.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import COVID_19, Disease

__all__ = [
    "COVID_19",
    "PackFigure",
    "capacity_kinds",
    "ensure_known",
    "figure",
    "pack_of",
    "reserve_categories",
    "series_of",
    "signal_diseases",
    "variant_on",
    "watching",
]


def pack_of(code: str) -> dict:
    """The pack of disease ``code`` (``{}`` for an unknown code)."""
    row = Disease.objects.filter(code=code).values_list("pack", flat=True).first()
    return row or {}


def ensure_known(code: str) -> Disease:
    """The disease ``code``, or a ValidationError on ``disease`` naming the diseases there are."""
    found = Disease.objects.filter(code=code).first() if isinstance(code, str) else None
    if found is None:
        known = ", ".join(Disease.objects.values_list("code", flat=True))
        message = _("%(code)r is not a disease known here (known: %(known)s).")
        raise ValidationError({"disease": message % {"code": str(code)[:40], "known": known}})
    return found


@dataclass(frozen=True)
class PackFigure:
    """A figure read from a pack, and where: ``disease``/``variant`` and the field's path."""

    disease: str
    variant: str  # "" when the disease-level figure was used
    path: str  # "transmission.serial_interval"
    distribution: str
    mean: float
    sd: float | None
    citation: str
    to_verify: bool

    @property
    def source(self) -> str:
        """What an estimate records: pack, variant and field (``covid-19/delta:…``)."""
        return f"{self.disease}{'/' + self.variant if self.variant else ''}:{self.path}"


def variant_on(pack: dict, day: datetime.date, region: str = "") -> dict | None:
    """The variant dominant in ``region`` (a jurisdiction code) on ``day``, if the pack says.

    A period for a region applies to every jurisdiction whose code starts with it; the most
    specific region wins over a national ("") period.
    """
    best: tuple[int, dict] | None = None
    for variant in pack.get("variants", []):
        for period in variant.get("dominant", []):
            where, start = period.get("region", ""), datetime.date.fromisoformat(period["from"])
            end = datetime.date.fromisoformat(period["to"]) if period.get("to") else None
            if region.startswith(where) and start <= day and (end is None or day <= end):
                if best is None or len(where) > best[0]:
                    best = (len(where), variant)
    return best[1] if best else None


def figure(
    code: str, section: str, name: str, *, on: datetime.date | None = None, region: str = ""
) -> PackFigure | None:
    """The figure ``section.name`` of disease ``code``: its variant's dominant on ``on`` in
    ``region`` when that variant gives one, else the disease's; None when the pack has neither."""
    pack = pack_of(code)
    variant = variant_on(pack, on, region) if on is not None else None
    for owner, label in ((variant, (variant or {}).get("code", "")), (pack, "")):
        found = ((owner or {}).get(section) or {}).get(name)
        if found:
            return PackFigure(
                disease=code,
                variant=label,
                path=f"{section}.{name}",
                distribution=found["distribution"],
                mean=float(found["mean"]),
                sd=float(found["sd"]) if "sd" in found else None,
                citation=found.get("citation", ""),
                to_verify=bool(found.get("to_verify")),
            )
    return None


def signal_diseases() -> dict[str, str]:
    """Surveillance signal → the disease whose pack watches it."""
    return {
        series["signal"]: code
        for code, pack in Disease.objects.values_list("code", "pack")
        for series in pack["surveillance"]["series"]
    }


def watching(signal: str) -> tuple[Disease, dict] | None:
    """The disease whose pack watches surveillance ``signal``, and that pack's series entry
    (the method it suggests, with its citation); None when no pack does."""
    for disease in Disease.objects.all():
        for series in disease.pack["surveillance"]["series"]:
            if series["signal"] == signal:
                return disease, series
    return None


def series_of(code: str) -> list[dict]:
    """The surveillance series of disease ``code``: signal, suggested method, citation."""
    return list(pack_of(code).get("surveillance", {}).get("series", []))


def capacity_kinds(code: str) -> list[str]:
    """The kinds of facility a county needs for disease ``code`` (its readiness capacity)."""
    return list(pack_of(code).get("readiness", {}).get("capacity", []))


def reserve_categories(code: str) -> set[str]:
    """The supply categories a store must hold for disease ``code`` (its readiness reserves)."""
    return {r["category"] for r in pack_of(code).get("readiness", {}).get("reserves", [])}
