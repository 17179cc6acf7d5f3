"""Placements and their test results as FHIR resources: an ``Encounter`` per placement (the
regime category as its class, the last exposure as the extension ``exposure-on``, the site as its
location, by identifier ``urn:pingji:site``; none when at home), an ``Observation`` per recorded
test (``urn:pingji:result`` positive/negative, sampled at ``effectiveDateTime``).

Identifiers follow the cases' rule (``fhir``): ``urn:pingji:placement`` and ``urn:pingji:test``
with the row's id, never a personal number.
"""

from pingji.quarantine.choices import PlacementStatus, TestStatus

from .fhir import EXT, _iso

PLACEMENT = "urn:pingji:placement"
SITE = "urn:pingji:site"
TEST = "urn:pingji:test"
REGIME = "urn:pingji:regime-category"
RESULT = "urn:pingji:result"
ENCOUNTER_STATUS = {PlacementStatus.ACTIVE: "in-progress"}


def encounter(placement) -> dict:
    period = {"start": _iso(placement.placed_at)}
    if placement.ended_at:
        period["end"] = _iso(placement.ended_at)
    resource = {
        "resourceType": "Encounter",
        "id": f"placement-{placement.pk}",
        "identifier": [{"system": PLACEMENT, "value": str(placement.pk)}],
        "status": ENCOUNTER_STATUS.get(placement.status, "finished"),
        "class": {"system": REGIME, "code": placement.category},
        "subject": {"reference": f"Patient/person-{placement.person_id}"},
        "period": period,
        "extension": [{"url": EXT + "exposure-on", "valueDate": placement.exposure_on.isoformat()}],
    }
    if placement.room_id:
        site = {"identifier": {"system": SITE, "value": str(placement.room.site_id)}}
        resource["location"] = [{"location": site}]
    return resource


def observation(test) -> dict:
    return {
        "resourceType": "Observation",
        "id": f"test-{test.pk}",
        "identifier": [{"system": TEST, "value": str(test.pk)}],
        "status": "final",
        "code": {"text": "quarantine test"},
        "subject": {"reference": f"Patient/person-{test.placement.person_id}"},
        "encounter": {"reference": f"Encounter/placement-{test.placement_id}"},
        "effectiveDateTime": _iso(test.sampled_at),
        "valueCodeableConcept": {"coding": [{"system": RESULT, "code": test.status}]},
    }


RECORDED = (TestStatus.NEGATIVE, TestStatus.POSITIVE)
