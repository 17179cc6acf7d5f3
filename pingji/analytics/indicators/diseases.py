"""New infections of each disease (decision 0041): the peacetime view of the situation room.

One indicator per disease pack shipped with the platform (``protocols/data/diseases``), counting
the same ``new_infection`` fact the bulletin counts, of that disease's cases only. COVID-19's also
counts the events written before cases named a disease.
"""

from django.utils.functional import lazy
from django.utils.translation import get_language

from pingji.cases.contracts import RECLASSIFIED, REPORTED
from pingji.protocols.loading import bundled_packs
from pingji.protocols.models import COVID_19

from .registry import ABSENT, register, term


def _name(pack: dict) -> str:
    return pack["name"] if (get_language() or "").startswith("zh") else pack["english_name"]


def key_of(disease: str) -> str:
    return f"new_infection_{disease}"


for code, pack in bundled_packs().items():
    accepted = [code, ABSENT] if code == COVID_19 else [code]
    register(
        key_of(code),
        lazy(_name, str)(pack),
        "diseases",
        term(REPORTED, "new_infection", disease=accepted),
        term(RECLASSIFIED, "new_infection", disease=accepted),
        group="diseases",
    )
