"""Laboratory result messages: a FHIR bundle of Observations recorded through quarantine.

Each ``Observation`` names its person (a ``Patient`` of the bundle known by
``urn:pingji:person`` in the importer's area), when the sample was taken (``effective
DateTime``), the result (``valueCodeableConcept`` or ``interpretation``: ``positive``/
``negative`` under ``urn:pingji:result``, HL7 ``POS``/``NEG``, or SNOMED CT 10828004/260385009)
and when the laboratory issued it (``issued``). It is recorded by
``quarantine.actions.monitoring.do_record_result``, which places it on the person's active
placement — and reports a case for a positive one, which is why a message with a positive
result is applied only with ``confirm`` (decision 0006: the step that reports a counted case is
never an accident). The laboratory's identifier keeps a message from being recorded twice.
All messages of a bundle or none: any refusal answers per entry and rolls everything back.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from pingji.quarantine.actions.monitoring import do_record_result

from ..models import LabMessage
from ..standards import fhir_read as R
from .bundles import BundleOutcome, persons_of

RESULT = "urn:pingji:result"
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
SNOMED = "http://snomed.info/sct"
TERMS = {
    (RESULT, "positive"): "positive",
    (RESULT, "negative"): "negative",
    (INTERPRETATION, "POS"): "positive",
    (INTERPRETATION, "NEG"): "negative",
    (SNOMED, "10828004"): "positive",
    (SNOMED, "260385009"): "negative",
}


@dataclass
class LabOutcome:
    recorded: int = 0
    unchanged: int = 0
    problems: list[R.Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class _Rollback(Exception):
    pass


class _Refused(Exception):
    def __init__(self, path: str, reason: str):
        super().__init__(reason)
        self.path, self.reason = path, reason


def result_of(observation: dict) -> str:
    concepts = [observation.get("valueCodeableConcept") or {}]
    concepts += observation.get("interpretation") or []
    for concept in concepts:
        for coding in concept.get("coding") or []:
            found = TERMS.get((coding.get("system") or "", coding.get("code") or ""))
            if found:
                return found
    raise _Refused("valueCodeableConcept", _("Say whether the result is positive or negative."))


def do_import_lab_messages(data: bytes, *, actor, confirm: bool = False) -> LabOutcome:
    """Record the Observations of the bundle ``data``; see the module docstring."""
    if not actor.has_perm("exchange.add_labmessage"):
        raise PermissionDenied(_("You may not import laboratory messages."))
    try:
        document = R.parse(data)
    except R.Invalid as invalid:
        return LabOutcome(problems=invalid.problems)
    outcome = LabOutcome()
    try:
        with transaction.atomic():
            _apply(document, actor, confirm, outcome)
            if outcome.problems:
                raise _Rollback
    except _Rollback:
        outcome.recorded = outcome.unchanged = 0
    return outcome


def _apply(document: dict, actor, confirm: bool, outcome: LabOutcome) -> None:
    entries = [e.get("resource") or {} for e in document.get("entry") or []]
    found = BundleOutcome()
    persons = persons_of(entries, actor, found)
    outcome.problems.extend(found.problems)
    for n, resource in enumerate(entries):
        if resource.get("resourceType") != "Observation":
            continue
        try:
            with transaction.atomic():
                _observation(resource, persons, actor, confirm, outcome)
        except _Refused as refused:
            outcome.problems.append(R.Problem(n, refused.path, refused.reason))
        except ValidationError as exc:
            items = exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]
            for path, messages in items:
                outcome.problems.append(R.Problem(n, path, " ".join(messages)))
        except PermissionDenied:
            outcome.problems.append(R.Problem(n, "", _("Not found in your area.")))


def _observation(resource: dict, persons, actor, confirm: bool, outcome: LabOutcome) -> None:
    person = persons.get((resource.get("subject") or {}).get("reference", ""))
    if person is None:
        raise _Refused("subject", _("The subject is not a patient of this bundle known here."))
    key = R.identifier(resource)
    if key is None:
        raise _Refused("identifier", _("A laboratory message needs its identifier."))
    digest = R.digest(resource)
    known = LabMessage.objects.filter(system=key[0][:200], value=key[1][:200]).first()
    if known is not None:
        if known.person_id != person.pk or known.facts_hash != digest:
            raise _Refused("identifier", _("This message was recorded before with other facts."))
        outcome.unchanged += 1
        return
    result = result_of(resource)
    if result == "positive" and not confirm:
        raise _Refused("", _("A positive result reports a case: confirm the import to record it."))
    sampled = parse_datetime(resource.get("effectiveDateTime") or "")
    issued = parse_datetime(resource.get("issued") or "") if resource.get("issued") else None
    do_record_result(actor=actor, person=person, result=result, sampled_at=sampled, at=issued)
    assert sampled is not None  # do_record_result refuses a result without its sampling time
    LabMessage.objects.create(
        system=key[0][:200],
        value=key[1][:200],
        person=person,
        result=result,
        sampled_at=sampled,
        facts_hash=digest,
    )
    outcome.recorded += 1
