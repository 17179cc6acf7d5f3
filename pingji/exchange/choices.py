"""The vocabularies of the national infectious-disease report card (传染病报告卡).

The occupation list (人群分类) is the card's own, in its order; the Chinese terms the national
system reads and writes live in ``data/card.json`` with their source, and a test holds the codes
here to that file, so the list cannot drift from the card it copies.
"""

import json
from functools import cache
from pathlib import Path

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

DATA = Path(__file__).resolve().parent / "data" / "card.json"


class Occupation(models.TextChoices):
    KINDERGARTEN_CHILD = (
        "kindergarten_child",
        pgettext_lazy("population group", "child in kindergarten or nursery"),
    )
    CHILD_AT_HOME = "child_at_home", pgettext_lazy("population group", "child cared for at home")
    STUDENT = "student", pgettext_lazy("population group", "student")
    TEACHER = "teacher", pgettext_lazy("population group", "teacher")
    CHILDCARE_WORKER = (
        "childcare_worker",
        pgettext_lazy("population group", "childcare worker or nanny"),
    )
    FOOD_SERVICE = "food_service", pgettext_lazy("population group", "catering and food industry")
    COMMERCIAL_SERVICE = (
        "commercial_service",
        pgettext_lazy("population group", "commercial services"),
    )
    MEDICAL_STAFF = "medical_staff", pgettext_lazy("population group", "medical staff")
    WORKER = "worker", pgettext_lazy("population group", "worker")
    MIGRANT_WORKER = "migrant_worker", pgettext_lazy("population group", "migrant worker")
    FARMER = "farmer", pgettext_lazy("population group", "farmer")
    HERDSMAN = "herdsman", pgettext_lazy("population group", "herdsman")
    FISHERMAN = "fisherman", pgettext_lazy("population group", "fisherman or boatman")
    CADRE_STAFF = "cadre_staff", pgettext_lazy("population group", "cadre or office staff")
    RETIRED = "retired", pgettext_lazy("population group", "retired")
    HOUSEWORK_UNEMPLOYED = (
        "housework_unemployed",
        pgettext_lazy("population group", "housework or unemployed"),
    )
    OTHER = "other", pgettext_lazy("population group", "other")
    UNKNOWN = "unknown", pgettext_lazy("population group", "unknown")


class CardStatus(models.TextChoices):
    """Where a card stands; computed from its row (``ReportCard.status``), never stored."""

    TO_FILE = "to_file", _("to file")
    OVERDUE = "overdue", _("overdue")
    FILED = "filed", _("filed")
    TO_REVISE = "to_revise", _("filed, revision due")
    VOIDED = "voided", _("case voided")


@cache
def card_data() -> dict:
    """The card's vocabularies as published, with their source."""
    return json.loads(DATA.read_text(encoding="utf-8"))


def occupation_terms() -> dict[str, str]:
    """Occupation code → the card's Chinese term (幼托儿童 …)."""
    return dict(card_data()["occupations"])


def occupation_of_term(term: str) -> str | None:
    """The code of a Chinese term, a code or an English label; None when unknown."""
    text = (term or "").strip()
    for code, chinese in card_data()["occupations"]:
        if text in (code, chinese, str(Occupation(code).label)):
            return code
    return None
