"""Reading larval surveys against dengue's vector rules: which index, which level, what response.

Nothing here writes. The figures are the rule pack's (decision 0041): the dengue protocol version
in force for the grid on the survey's day says which index is watched (Breteau or house), the
levels it is read in with each one's response, and the target a control effort must bring it
under. A grid without such a version in force, or whose version switches the section off, has its
surveys read without a level: surveillance goes on before a pack is loaded, the rules do not.
"""

import datetime
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from pingji.protocols import rules
from pingji.protocols.choices import VectorIndex
from pingji.protocols.models import Protocol
from pingji.protocols.versions import NoProtocolInForce, in_force_among, protocol_for

from .models import VectorSurvey

DENGUE = "dengue"
#: The indices by their short names, as a sentence or a heading says them.
INDEX_NAMES = {VectorIndex.BRETEAU: _("Breteau index"), VectorIndex.HOUSE: _("house index")}


def _section(protocol: Protocol | None) -> dict | None:
    section = rules.raw_section(protocol, "vector") if protocol is not None else {}
    return section if section.get("applies") else None


def rule_in_force(grid_code: str, day: datetime.date) -> tuple[Protocol, dict] | None:
    """The dengue version in force for the grid on ``day`` and its vector section, if it applies."""
    try:
        protocol = protocol_for(grid_code, day, DENGUE)
    except NoProtocolInForce:
        return None
    section = _section(protocol)
    return (protocol, section) if section is not None else None


def vector_rule(grid_code: str, day: datetime.date) -> dict | None:
    """The vector section in force for the grid on ``day``; None when none applies."""
    found = rule_in_force(grid_code, day)
    return found[1] if found else None


def level_of(value: float, section: dict) -> dict | None:
    """The level ``value`` lies in: ``from`` <= value < ``below`` (no ``below``: the top)."""
    for level in section.get("levels", ()):
        below = level.get("below")
        if level["from"] <= value and (below is None or value < below):
            return level
    return None


def index_value(survey: VectorSurvey, index: str) -> float:
    return survey.breteau_index if index == VectorIndex.BRETEAU else survey.house_index


@dataclass(frozen=True)
class Reading:
    """A survey read against a vector section: the index watched, its value, level and target."""

    protocol: Protocol
    index: str
    value: float
    level: dict | None
    target_below: int
    clause: str

    @property
    def level_name(self) -> str:
        return self.level["name"] if self.level else ""

    @property
    def response(self) -> list[str]:
        return list(self.level.get("response", ())) if self.level else []

    @property
    def needs_control(self) -> bool:
        """At or above the target: a control effort is due until a survey reads below it."""
        return self.value >= self.target_below

    @property
    def index_label(self) -> str:
        return str(INDEX_NAMES[VectorIndex(self.index)])


def read(survey: VectorSurvey, found: tuple[Protocol, dict] | None) -> Reading | None:
    """``survey`` read against ``found`` (``rule_in_force``'s answer); None without a rule."""
    if found is None:
        return None
    protocol, section = found
    value = index_value(survey, section["index"])
    return Reading(
        protocol=protocol,
        index=section["index"],
        value=value,
        level=level_of(value, section),
        target_below=section["target_below"],
        clause=section.get("clause", ""),
    )


def latest_surveys(code: str, on: datetime.date):
    """The latest survey on or before ``on`` of each grid in the subtree of ``code``."""
    last = VectorSurvey.objects.filter(
        jurisdiction_id=OuterRef("jurisdiction_id"), day__lte=on
    ).order_by("-day")
    return (
        VectorSurvey.objects.subtree(code)
        .filter(day__lte=on, pk=Subquery(last.values("pk")[:1]))
        .order_by("jurisdiction_id")
    )


def with_readings(surveys) -> list[tuple[VectorSurvey, Reading | None]]:
    """Each survey with its reading; the dengue versions are read once, not once a survey."""
    surveys = list(surveys)
    versions = list(Protocol.objects.filter(disease_id=DENGUE)) if surveys else []
    out = []
    for survey in surveys:
        protocol = in_force_among(versions, survey.jurisdiction_id, survey.day)
        section = _section(protocol)
        found = (protocol, section) if protocol is not None and section is not None else None
        out.append((survey, read(survey, found)))
    return out


def latest_readings(code: str, on: datetime.date) -> list[tuple[VectorSurvey, Reading | None]]:
    """The latest survey of each grid under ``code`` as of ``on``, with its level."""
    return with_readings(latest_surveys(code, on).select_related("jurisdiction"))
