"""Importing a FHIR bundle of cases, contacts and placements: through their domains' actions,
all entries or none.

Patients are Pingji's persons, known by ``urn:pingji:person`` within the importer's area; a
bundle cannot register a person (it carries no identity number), so an unknown patient refuses
its entry. A Condition is a case, upserted by its identifier: ``urn:pingji:case`` names a case
of Pingji's; any other system is a partner's identifier, remembered (``ExternalRecord``) when
the case is first reported from it. The same resource again changes nothing (its SHA-256 is
kept); a changed classification or severity reclassifies the case
(``cases.actions.course.do_reclassify_case``, as a revised diagnosis); ``entered-in-error``
voids it (``do_void_case``); a new identifier reports a case (``do_report_case``).

A contact is an exposure Observation (``standards.fhir_tracing``) of a known patient about an index
case named by identifier (ours, or a partner's the bundle or an earlier one reported): it is added
to that case's investigation through tracing's own action (``do_add_contact``, which applies the
protocol's look-back and tiers), keyed by the pair (investigation, person) that tracing keeps
unique, so the same contact again changes nothing. A contact whose facts differ from the one
recorded is refused with what differs: contacts are corrected in tracing, where they were made.

A placement is an Encounter (``standards.fhir_quarantine``): ours by ``urn:pingji:placement``,
else the person's placement begun at the same time; a new one is placed through quarantine's own
action (``do_place_person``: the regime of the protocol in force from the stated last exposure,
at the site named by ``urn:pingji:site`` in the importer's area, or at home). Ends and releases
are not imported: they are recorded in quarantine, with their tests.

A bundle that does not validate, or any entry the actions refuse, is answered per entry and
nothing is applied: every entry runs inside one transaction that is rolled back on the first
report of a problem after all entries have been tried.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pingji.cases.actions.course import do_reclassify_case, do_void_case
from pingji.cases.actions.reports import do_report_case
from pingji.cases.models import Case
from pingji.core import clock
from pingji.core.actions import aware
from pingji.people.models import Person
from pingji.quarantine.actions.placement import do_place_person
from pingji.quarantine.models import Placement, Site
from pingji.tracing.actions.contacts import do_add_contact
from pingji.tracing.choices import ContactSource
from pingji.tracing.models import Contact, Investigation

from ..models import ExternalRecord
from ..standards import fhir_read as R

#: Moves between confirmed and asymptomatic need a reason; an import is a revised diagnosis.
REASONED = {frozenset({"confirmed", "asymptomatic"})}


@dataclass
class BundleOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[R.Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class _Rollback(Exception):
    pass


def do_import_bundle(data: bytes, *, actor) -> BundleOutcome:
    """Apply the bundle ``data`` (JSON bytes) for ``actor``; see the module docstring."""
    if not actor.has_perm("exchange.add_externalrecord"):
        raise PermissionDenied(_("You may not import bundles."))
    try:
        document = R.parse(data)
    except R.Invalid as invalid:
        return BundleOutcome(problems=invalid.problems)
    outcome = BundleOutcome()
    try:
        with transaction.atomic():
            _apply(document, actor, outcome)
            if outcome.problems:
                raise _Rollback
    except _Rollback:
        outcome.created = outcome.updated = outcome.unchanged = 0
    return outcome


def _apply(document: dict, actor, outcome: BundleOutcome) -> None:
    entries = [e.get("resource") or {} for e in document.get("entry") or []]
    persons = persons_of(entries, actor, outcome)
    ordered = [  # a contact's index case may be in the bundle: conditions go first
        (n, r, apply)
        for test, apply in (
            (_is_condition, _condition),
            (R.is_exposure, _exposure),
            (R.is_placement, _placement),
        )
        for n, r in enumerate(entries)
        if test(r)
    ]
    for n, resource, apply in ordered:
        try:
            with transaction.atomic():
                apply(resource, persons, actor, outcome)
        except ValidationError as exc:
            for path, messages in _messages(exc):
                outcome.problems.append(R.Problem(n, path, " ".join(messages)))
        except PermissionDenied:
            outcome.problems.append(R.Problem(n, "", _("Not found in your area.")))
        except _EntryProblem as problem:
            outcome.problems.append(R.Problem(n, problem.path, problem.reason))


def _subject(resource: dict, persons: dict[str, Person]) -> Person:
    person = persons.get((resource.get("subject") or {}).get("reference", ""))
    if person is None:
        raise _EntryProblem("subject", _("The subject is not a patient of this bundle known here."))
    return person


def _is_condition(resource: dict) -> bool:
    return resource.get("resourceType") == "Condition"


class _EntryProblem(Exception):
    def __init__(self, path: str, reason: str):
        super().__init__(reason)
        self.path, self.reason = path, reason


def _messages(exc: ValidationError):
    if hasattr(exc, "error_dict"):
        return list(exc.message_dict.items())
    return [("", exc.messages)]


def persons_of(entries: list[dict], actor, outcome: BundleOutcome) -> dict[str, Person]:
    """``Patient/<id>`` → the person it names in the actor's area; the others are problems."""
    visible = Person.objects.restrict(actor, "view")
    found: dict[str, Person] = {}
    for n, resource in enumerate(entries):
        if resource.get("resourceType") != "Patient":
            continue
        key = R.identifier(resource, R.PERSON)
        person = visible.filter(pk=int(key[1])).first() if key and key[1].isdigit() else None
        if person is None:
            outcome.problems.append(
                R.Problem(n, "identifier", _("Nobody in your area is this patient."))
            )
            continue
        found[f"Patient/{resource.get('id')}"] = person
    return found


def _condition(resource: dict, persons: dict[str, Person], actor, outcome) -> None:
    person = _subject(resource, persons)
    key = R.identifier(resource)
    if key is None:
        raise _EntryProblem("identifier", _("A condition needs an identifier."))
    record, case = _known(key, actor)
    digest = R.digest(resource)
    if record is not None and record.facts_hash == digest:
        outcome.unchanged += 1
        return
    if case is None:
        case = do_report_case(actor=actor, person=person, **R.case_facts(resource))
        outcome.created += 1
    elif case.person_id != person.pk:
        raise _EntryProblem("subject", _("This case is another person's."))
    elif _update(case, resource, actor):
        outcome.updated += 1
    else:
        outcome.unchanged += 1
    if key[0] != R.CASE:
        ExternalRecord.objects.update_or_create(
            system=key[0],
            value=key[1],
            defaults={"case": case, "facts_hash": digest, "updated_at": clock.now()},
        )


def _exposure(resource: dict, persons: dict[str, Person], actor, outcome) -> None:
    person = _subject(resource, persons)
    facts = R.contact_facts(resource)
    if not facts["case"] or not all(facts["case"]):
        raise _EntryProblem("focus", _("Name the index case by its identifier."))
    if facts["last_exposure_at"] is None:
        raise _EntryProblem("effectiveDateTime", _("Give the last exposure's date and time."))
    _record, case = _known(facts.pop("case"), actor)
    investigation = Investigation.objects.filter(case=case).first() if case else None
    if investigation is None:
        raise _EntryProblem("focus", _("The index case has no investigation here yet."))
    existing = Contact.objects.filter(investigation=investigation, person=person).first()
    if existing is None:
        do_add_contact(
            investigation, actor=actor, person=person, source=ContactSource.EXCHANGE, **facts
        )
        outcome.created += 1
        return
    differs = [f for f, v in facts.items() if getattr(existing, f) != v]
    if differs:
        raise _EntryProblem(
            differs[0], _("This contact is recorded otherwise; correct it in tracing.")
        )
    outcome.unchanged += 1


def _placement(resource: dict, persons: dict[str, Person], actor, outcome) -> None:
    person = _subject(resource, persons)
    facts = R.placement_facts(resource)
    for path, name in (("period.start", "placed_at"), ("extension", "exposure_on")):
        if facts[name] is None:
            raise _EntryProblem(path, _("Give the placement's start and last exposure."))
    existing = _placed(resource, person, facts, actor)
    if existing is not None:
        if existing.category != facts["category"]:
            raise _EntryProblem(
                "class", _("This placement is recorded otherwise; correct it in quarantine.")
            )
        outcome.unchanged += 1
        return
    do_place_person(
        actor=actor,
        person=person,
        category=facts["category"],
        exposure_at=aware(datetime.datetime.combine(facts["exposure_on"], datetime.time(12))),
        site=_site(facts["site"], actor),
        placed_at=facts["placed_at"],
    )
    outcome.created += 1


def _placed(resource: dict, person: Person, facts: dict, actor) -> Placement | None:
    """The placement an Encounter names: ours by identifier, else the person's placement begun
    at the same time (the pair quarantine would refuse to place twice)."""
    placements = Placement.objects.restrict(actor, "view").filter(person=person)
    key = R.identifier(resource, R.PLACEMENT)
    if key is not None:
        found = placements.filter(pk=int(key[1])).first() if key[1].isdigit() else None
        if found is None:
            raise _EntryProblem("identifier", _("No such placement of this person in your area."))
        return found
    return placements.filter(placed_at=facts["placed_at"]).first()


def _site(value: str, actor) -> Site | None:
    if not value:
        return None
    site = Site.objects.restrict(actor).filter(pk=int(value)).first() if value.isdigit() else None
    if site is None:
        raise _EntryProblem("location", _("No such quarantine site in your area."))
    return site


def _known(key: tuple[str, str], actor) -> tuple[ExternalRecord | None, Case | None]:
    cases = Case.objects.restrict(actor, "view")
    if key[0] == R.CASE:
        case = cases.filter(pk=int(key[1])).first() if key[1].isdigit() else None
        if case is None:
            raise _EntryProblem("identifier", _("No such case in your area."))
        return None, case
    record = ExternalRecord.objects.filter(system=key[0][:200], value=key[1][:200]).first()
    if record is not None and not cases.filter(pk=record.case_id).exists():
        raise _EntryProblem("identifier", _("No such case in your area."))
    return record, record.case if record else None


def _update(case: Case, resource: dict, actor) -> bool:
    """Bring ``case`` to what the resource says; False when it already says that."""
    if R.voided(resource):
        if case.voided:
            return False
        do_void_case(case, actor=actor, reason="other", reason_text=_("entered in error (FHIR)"))
        return True
    facts = R.case_facts(resource)
    if (facts["classification"], facts["severity"]) == (case.classification, case.severity):
        return False
    moved = frozenset({case.classification, facts["classification"]})
    do_reclassify_case(
        case,
        actor=actor,
        classification=facts["classification"],
        severity=facts["severity"],
        onset_date=facts["onset_date"],
        sampled_at=facts["sampled_at"],
        at=clock.now(),
        reason="diagnosis_revised" if moved in REASONED else None,
    )
    return True
