"""Contacts as FHIR resources: an exposure ``Observation`` per traced contact, its subject the
contact's ``Patient``, its focus the index case's ``Condition`` named by identifier (a logical
reference: the case may lie outside the reader's area, and the bundle then still validates and
names nobody the reader may not see).

The tier is the observation's value (``urn:pingji:contact-tier``), the setting a component
(``urn:pingji:contact-setting``) and the last exposure its effective time. Identifiers follow the
cases' rule (``fhir``): ``urn:pingji:contact`` with the row's id, never a personal number.
"""

from .fhir import CASE, _coding, _iso

CONTACT = "urn:pingji:contact"
TIER = "urn:pingji:contact-tier"
SETTING = "urn:pingji:contact-setting"
EXPOSURE = "urn:pingji:observation"


def exposure(contact) -> dict:
    """The contact as an exposure Observation of its person, about its index case."""
    case_id = contact.investigation.case_id
    return {
        "resourceType": "Observation",
        "id": f"contact-{contact.pk}",
        "identifier": [{"system": CONTACT, "value": str(contact.pk)}],
        "status": "final",
        "code": _coding(EXPOSURE, "contact-exposure"),
        "subject": {"reference": f"Patient/person-{contact.person_id}"},
        "focus": [{"identifier": {"system": CASE, "value": str(case_id)}}],
        "effectiveDateTime": _iso(contact.last_exposure_at),
        "valueCodeableConcept": _coding(TIER, contact.tier),
        "component": [
            {
                "code": _coding(EXPOSURE, "setting"),
                "valueCodeableConcept": _coding(SETTING, contact.setting),
            }
        ],
    }
