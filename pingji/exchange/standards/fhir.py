"""Cases as HL7 FHIR resources (R4B, validated with ``fhir.resources.R4B``).

``fhir.resources`` 8 ships R5 as its default models and R4B beside it, but no R4: R4B is the
R4-compatible release partners read, so bundles are R4B. A case is a ``Condition`` of a
``Patient``, a contact an exposure ``Observation`` (``fhir_tracing``), a placement an
``Encounter`` (``fhir_quarantine``), in a ``Bundle`` of type ``collection`` (docs/exchange.md has
the field mapping).

Identifiers are Pingji's own, under ``urn:pingji:<kind>`` (``urn:pingji:person``,
``urn:pingji:case``) with the row's id: stable, opaque, and meaningless outside Pingji. The
identity number is never an identifier: the plain number leaves only through the audited reveal
(decision 0031), and the keyed look-up hash would make any leaked bundle an oracle. The masked
number travels as a secondary identifier (``urn:pingji:id-number-masked``) for a person to read;
the birth date only for readers who may reveal it (otherwise it is left out).
"""

from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from pingji.cases.choices import Classification
from pingji.cases.models import Case
from pingji.core import personal_data as pd

PERSON = "urn:pingji:person"
CASE = "urn:pingji:case"
MASKED = "urn:pingji:id-number-masked"
DISEASE = "urn:pingji:disease"
CLASSIFICATION = "urn:pingji:classification"
SEVERITY = "urn:pingji:severity"
EXT = "urn:pingji:extension:"
CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
GENDER = {"M": "male", "F": "female"}
#: Classification → FHIR verification status (a voided case is entered in error).
VERIFIED = {
    Classification.CONFIRMED: "confirmed",
    Classification.ASYMPTOMATIC: "confirmed",
    Classification.SUSPECTED: "provisional",
    Classification.RULED_OUT: "refuted",
}


def _coding(system: str, code: str) -> dict:
    return {"coding": [{"system": system, "code": code}]}


def _iso(value) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def patient(user, person) -> dict:
    """The person as a Patient, personal fields as ``user`` may read them."""
    resource: dict = {
        "resourceType": "Patient",
        "id": f"person-{person.pk}",
        "identifier": [{"system": PERSON, "value": str(person.pk)}],
        "name": [{"text": person.name}],
    }
    if person.id_number_masked:
        masked = pd.present(user, pd.Kind.ID_NUMBER, person.id_number_masked)
        resource["identifier"].append({"use": "secondary", "system": MASKED, "value": masked})
    if person.sex in GENDER:
        resource["gender"] = GENDER[person.sex]
    born = pd.visible_birth_date(user, person)
    if born:
        resource["birthDate"] = born.isoformat()
    return resource


def condition(case: Case) -> dict:
    """The case as a Condition of its person's Patient."""
    status = "entered-in-error" if case.voided else VERIFIED[Classification(case.classification)]
    resource: dict = {
        "resourceType": "Condition",
        "id": f"case-{case.pk}",
        "identifier": [{"system": CASE, "value": str(case.pk)}],
        "verificationStatus": _coding(VERIFICATION, status),
        "category": [_coding(CLASSIFICATION, case.classification)],
        "code": _coding(DISEASE, str(case.disease_id)),
        "subject": {"reference": f"Patient/person-{case.person_id}"},
        "recordedDate": _iso(case.reported_at),
        "extension": [
            {"url": EXT + "channel", "valueCode": case.channel},
            {"url": EXT + "origin", "valueCode": case.origin},
            {"url": EXT + "jurisdiction", "valueCode": case.jurisdiction_id},
        ],
    }
    if not case.voided:
        resource["clinicalStatus"] = _coding(CLINICAL, "active" if case.is_open else "resolved")
    if case.severity:
        resource["severity"] = _coding(SEVERITY, case.severity)
    if case.onset_date:
        resource["onsetDateTime"] = case.onset_date.isoformat()
    if case.sampled_at:
        resource["extension"].append(
            {"url": EXT + "sampled-at", "valueDateTime": _iso(case.sampled_at)}
        )
    return resource


def case_bundle(user, cases, placements=None, contacts=None) -> dict:
    """A validated ``collection`` Bundle of ``cases``, ``contacts`` and ``placements`` (all
    already restricted to ``user``), with their persons and the placements' recorded tests."""
    from .fhir_quarantine import RECORDED, encounter, observation
    from .fhir_tracing import exposure

    entries: list[dict] = []
    persons: set[int] = set()

    def person_of(person) -> None:
        if person.pk not in persons:
            persons.add(person.pk)
            entries.append(_entry(patient(user, person)))

    for case in cases.select_related("person").order_by("pk"):
        person_of(case.person)
        entries.append(_entry(condition(case)))
    for contact in contacts if contacts is not None else []:
        person_of(contact.person)
        entries.append(_entry(exposure(contact)))
    for placement in placements if placements is not None else []:
        person_of(placement.person)
        entries.append(_entry(encounter(placement)))
        for test in placement.tests.filter(status__in=RECORDED).order_by("pk"):
            entries.append(_entry(observation(test)))
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": entries}
    Bundle.model_validate(bundle)  # what leaves is valid R4B, or nothing leaves
    return bundle


def _entry(resource: dict) -> dict:
    return {"fullUrl": f"urn:pingji:{resource['id']}", "resource": resource}
