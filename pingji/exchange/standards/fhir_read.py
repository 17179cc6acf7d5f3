"""Reading a FHIR bundle: validation with ``fhir.resources.R4B`` and the facts of each entry.

A bundle that does not validate is answered entry by entry (the JSON path inside the entry and
the validator's reason, passed through ``importing.redact``), before anything is looked up.
Each entry is then read into what the cases' actions take; ``Problem`` names the entry and the
reason when an entry cannot be applied.
"""

import datetime
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.dateparse import parse_date, parse_datetime
from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError as PydanticError

from pingji.core.importing import redact

from .fhir import CASE, CLASSIFICATION, DISEASE, EXT, PERSON, SEVERITY, VERIFICATION
from .fhir_quarantine import PLACEMENT, REGIME, SITE
from .fhir_tracing import CONTACT, EXPOSURE, SETTING, TIER

MAX_BYTES = 5 << 20


@dataclass(frozen=True)
class Problem:
    entry: int | None
    path: str
    reason: str

    def as_dict(self) -> dict:
        return {"entry": self.entry, "path": self.path, "reason": redact(self.reason, 300)}


def parse(data: bytes) -> dict:
    """The bundle as a dict, validated as R4B; a list of ``Problem`` raised as ``Invalid``."""
    if len(data) > MAX_BYTES:
        raise Invalid([Problem(None, "", "The bundle is larger than 5 MB.")])
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise Invalid([Problem(None, "", "The file is not JSON.")]) from None
    if not isinstance(document, dict) or document.get("resourceType") != "Bundle":
        raise Invalid([Problem(None, "resourceType", "Send a Bundle.")])
    try:
        Bundle.model_validate(document)
    except PydanticError as exc:
        raise Invalid([_problem(e) for e in exc.errors()[:1000]]) from None
    return document


class Invalid(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(problems)
        self.problems = problems


def _problem(error: Mapping[str, Any]) -> Problem:
    loc = list(error.get("loc", ()))
    entry = loc[1] if len(loc) > 1 and loc[0] == "entry" and isinstance(loc[1], int) else None
    path = ".".join(str(p) for p in (loc[2:] if entry is not None else loc))
    return Problem(entry, path, str(error.get("msg", "invalid")))


def digest(resource: dict) -> str:
    return hashlib.sha256(json.dumps(resource, sort_keys=True).encode()).hexdigest()


def identifier(resource: dict, system: str | None = None) -> tuple[str, str] | None:
    """The first identifier (of ``system``, when given) as (system, value)."""
    for found in resource.get("identifier") or []:
        sys, value = found.get("system") or "", found.get("value") or ""
        if value and (system is None or sys == system):
            return sys, value
    return None


def code_of(concept: dict | None, system: str) -> str:
    for coding in (concept or {}).get("coding") or []:
        if coding.get("system") == system:
            return coding.get("code") or ""
    return ""


def extension(resource: dict, name: str):
    for ext in resource.get("extension") or []:
        if ext.get("url") == EXT + name:
            return ext.get("valueCode") or ext.get("valueDateTime") or ext.get("valueDate")
    return None


def _when(value) -> datetime.datetime | None:
    return parse_datetime(value) if isinstance(value, str) else None


def case_facts(condition: dict) -> dict:
    """What ``do_report_case`` takes, read from a Condition (the classification from its
    category, else from its verification status)."""
    classification = next(
        (c for c in (code_of(x, CLASSIFICATION) for x in condition.get("category") or []) if c),
        "",
    )
    if not classification:
        verified = code_of(condition.get("verificationStatus"), VERIFICATION)
        classification = {"confirmed": "confirmed", "provisional": "suspected"}.get(verified, "")
    onset = condition.get("onsetDateTime")
    return {
        "classification": classification,
        "severity": code_of(condition.get("severity"), SEVERITY),
        "disease": code_of(condition.get("code"), DISEASE) or None,
        "onset_date": parse_date(onset[:10]) if isinstance(onset, str) else None,
        "reported_at": _when(condition.get("recordedDate")),
        "sampled_at": _when(extension(condition, "sampled-at")),
        "channel": extension(condition, "channel") or "",
        "origin": extension(condition, "origin") or "local",
    }


def is_exposure(resource: dict) -> bool:
    """Whether an entry is a contact's exposure Observation (``fhir_tracing.exposure``)."""
    return resource.get("resourceType") == "Observation" and (
        code_of(resource.get("code"), EXPOSURE) == "contact-exposure"
    )


def contact_facts(observation: dict) -> dict:
    """What ``tracing.actions.contacts.do_add_contact`` takes, read from an exposure Observation;
    ``case`` is the index case's identifier (system, value) from ``focus``."""
    focus = (observation.get("focus") or [{}])[0].get("identifier") or {}
    setting = next(
        (
            code_of(c.get("valueCodeableConcept"), SETTING)
            for c in observation.get("component") or []
        ),
        "",
    )
    return {
        "case": (focus.get("system", ""), focus.get("value", "")) if focus else None,
        "tier": code_of(observation.get("valueCodeableConcept"), TIER),
        "setting": setting,
        "last_exposure_at": _when(observation.get("effectiveDateTime")),
    }


def is_placement(resource: dict) -> bool:
    """Whether an entry is a placement's Encounter (``fhir_quarantine.encounter``)."""
    return resource.get("resourceType") == "Encounter" and (
        (resource.get("class") or {}).get("system") == REGIME
    )


def placement_facts(encounter: dict) -> dict:
    """What ``quarantine.actions.placement.do_place_person`` takes, read from an Encounter;
    ``site`` is the location's identifier value (``urn:pingji:site``), empty at home."""
    exposure = extension(encounter, "exposure-on")
    sites = [
        (place.get("location") or {}).get("identifier") or {}
        for place in encounter.get("location") or []
    ]
    site = next((s.get("value", "") for s in sites if s.get("system") == SITE), "")
    return {
        "category": (encounter.get("class") or {}).get("code") or "",
        "placed_at": _when((encounter.get("period") or {}).get("start")),
        "exposure_on": parse_date(exposure[:10]) if isinstance(exposure, str) else None,
        "site": site,
    }


def voided(condition: dict) -> bool:
    status = code_of(condition.get("verificationStatus"), VERIFICATION)
    return status == "entered-in-error"


__all__ = [
    "CASE",
    "CONTACT",
    "PERSON",
    "PLACEMENT",
    "Invalid",
    "Problem",
    "case_facts",
    "contact_facts",
    "digest",
    "identifier",
    "is_exposure",
    "is_placement",
    "parse",
    "placement_facts",
]
