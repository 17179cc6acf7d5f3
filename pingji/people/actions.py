"""Writes to people and households, and the audited reveal of identity data.

Each action runs in one transaction, checks the actor's scope before touching anything and again
after the write (handbook, conventions 2-3), and records its domain event inside the transaction.
Identity numbers and phones arrive as plain text, are validated and normalised by ``identity``,
and are stored only as ciphertext, keyed hash and mask (convention 5).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from pingji.core.access import ensure_allowed, scope_code
from pingji.core.crypto import lookup_hash
from pingji.core.events import record_event
from pingji.geo.choices import Level, PlaceKind
from pingji.geo.models import Jurisdiction, Place

from .identity import birth_date_of, normalize_id_number, normalize_phone, sex_of
from .limits import province_of, spend_attempt
from .models import Household, Person

#: Where a household can live: a residential compound (or village) or one of its buildings.
RESIDENTIAL_KINDS = (PlaceKind.COMPOUND, PlaceKind.BUILDING)
#: A reveal must say why; the reason is kept in the event payload for the auditor.
REASON_MAX_LENGTH = 300


def _field_error(field: str, message: str, code: str = "invalid") -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _normalised(field: str, value: str | None, normalise) -> str:
    """The normalised value, "" when blank; a bad value is an error on ``field``."""
    if not (value or "").strip():
        return ""
    try:
        return normalise(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.error_list}) from exc


def _require_visible(actor, obj) -> None:
    """A household or grid the actor cannot see does not exist for them (404, nothing written)."""
    if obj is not None:
        ensure_allowed(actor, obj, "view")


def _check_residential(place: Place) -> None:
    if place.kind not in RESIDENTIAL_KINDS:
        raise _field_error(
            "place",
            _("A household lives in a residential compound or building, not a %(kind)s.")
            % {"kind": place.get_kind_display()},
        )


def do_create_household(place: Place, address: str, *, actor) -> Household:
    """Register a household at a place; its grid is the place's grid."""
    _require_visible(actor, place)
    _check_residential(place)
    with transaction.atomic():
        household = Household(
            place=place, jurisdiction_id=place.jurisdiction_id, address=(address or "").strip()
        )
        household.full_clean()
        household.save()
        ensure_allowed(actor, household, "add")
        record_event(
            "people.household_created",
            _("Household registered: %(address)s") % {"address": household.address},
            jurisdiction_code=household.jurisdiction_id,
            subject=household,
            actor=actor,
        )
    return household


def do_update_household(household: Household, changes: dict, *, actor) -> Household:
    """Change a household's address or place; a move to another grid takes its members along."""
    ensure_allowed(actor, household, "change")
    place = changes.get("place", household.place)
    _require_visible(actor, place)
    _check_residential(place)
    with transaction.atomic():
        household.place = place
        household.jurisdiction_id = place.jurisdiction_id
        if "address" in changes:
            household.address = (changes["address"] or "").strip()
        household.full_clean()
        household.save()
        for member in household.members.exclude(jurisdiction_id=household.jurisdiction_id):
            member.jurisdiction_id = household.jurisdiction_id
            member.save(update_fields=["jurisdiction"])
        ensure_allowed(actor, household, "change")
    return household


def do_delete_household(household: Household, *, actor) -> None:
    """Remove an empty household (one with members is moved or kept, never silently emptied)."""
    ensure_allowed(actor, household, "delete")
    if household.members.exists():
        raise _field_error(
            "household", _("The household still has members; move them first."), "has_members"
        )
    with transaction.atomic():
        record_event(
            "people.household_deleted",
            _("Household removed: %(address)s") % {"address": household.address},
            jurisdiction_code=household.jurisdiction_id,
            actor=actor,
        )
        household.delete()


def _refuse_duplicate(actor, id_number: str, exclude_pk=None) -> None:
    """Refuse a number already registered, naming the holder only if the actor may see them.

    A holder outside the actor's area is not confirmed: the refusal says only that the number
    cannot be registered here (decision 0031), spends one identity look-up from the actor's
    budget, and is recorded for the province. The unique number still makes the registration
    fail, so a refusal remains a weak signal — which is why it is rate-limited and logged.
    """
    holders = Person.objects.filter(id_number_hash=lookup_hash(id_number)).exclude(pk=exclude_pk)
    holder = holders.first()
    if holder is None:
        return
    if Person.objects.restrict(actor, "view").filter(pk=holder.pk).exists():
        message = _("This identity number is already registered to %(name)s (%(masked)s).") % {
            "name": holder.name,
            "masked": holder.id_number_masked,
        }
        raise _field_error("id_number", message, "duplicate")
    raise _field_error("id_number", refuse_held_elsewhere(actor), "not_here")


def refuse_held_elsewhere(actor, purpose: str = "registration") -> str:
    """Spend a look-up, record the refusal for the province, and give the one refusal message.

    For every writer that meets a number held outside the actor's area (the person form, the
    API, the case line-list import): the answer never says "registered elsewhere".
    """
    spend_attempt(actor, purpose)
    record_event(
        "people.registration_refused",
        _("A registration was refused: the identity number cannot be registered here."),
        jurisdiction_code=province_of(scope_code(actor) or ""),
        actor=actor,
        payload={"area": scope_code(actor) or "", "purpose": purpose},
    )
    return cannot_register_here()


def cannot_register_here() -> str:
    """The one answer for a number that cannot be registered in the actor's area."""
    return _(
        "This identity number cannot be registered here; ask the county where the person lives, "
        "or send them a dispatch."
    )


def _place_person(person: Person, household: Household | None, jurisdiction) -> None:
    """The grid of residence is the household's; without a household it must be a grid."""
    if household is not None:
        if jurisdiction is not None and jurisdiction.pk != household.jurisdiction_id:
            raise _field_error(
                "jurisdiction", _("The household lies in another grid; leave the grid empty.")
            )
        person.household, person.jurisdiction_id = household, household.jurisdiction_id
        return
    if jurisdiction is None:
        raise _field_error(
            "jurisdiction", _("Give the person's household or grid of residence."), "required"
        )
    if jurisdiction.level != Level.GRID:
        raise _field_error(
            "jurisdiction",
            _("A person lives in a grid, not a %(level)s.")
            % {"level": jurisdiction.get_level_display()},
        )
    person.household, person.jurisdiction = None, jurisdiction


def _apply_identity(person: Person, id_number: str, sex: str, birth_date) -> None:
    """Sex and birth date follow the identity number; a contradicting value is refused."""
    if not id_number:
        person.sex, person.birth_date = sex or "", birth_date
        return
    derived_sex, derived_birth = sex_of(id_number), birth_date_of(id_number)
    if sex and sex != derived_sex:
        raise _field_error(
            "sex",
            _("The identity number says the person is %(sex)s.") % {"sex": derived_sex.label},
            "contradicts_id",
        )
    if birth_date and birth_date != derived_birth:
        raise _field_error(
            "birth_date",
            _("The identity number gives the birth date %(date)s.")
            % {"date": derived_birth.isoformat()},
            "contradicts_id",
        )
    person.sex, person.birth_date = derived_sex, derived_birth
    person.set_id_number(id_number)


def _save_unique(person: Person) -> None:
    """Save; a concurrent registration of the same number loses on the unique hash, cleanly."""
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:
        others = Person.objects.exclude(pk=person.pk)
        if not others.filter(id_number_hash=person.id_number_hash).exists():
            raise
        raise _field_error("id_number", cannot_register_here(), "not_here") from exc


def do_create_person(
    *,
    actor,
    name: str,
    id_number: str | None = None,
    phone: str | None = None,
    household: Household | None = None,
    jurisdiction: Jurisdiction | None = None,
    sex: str = "",
    birth_date: datetime.date | None = None,
) -> Person:
    """Register a person in a household or grid; an already registered number is refused."""
    _require_visible(actor, household)
    _require_visible(actor, jurisdiction)
    number = _normalised("id_number", id_number, normalize_id_number)
    mobile = _normalised("phone", phone, normalize_phone)
    person = Person(name=(name or "").strip())
    _place_person(person, household, jurisdiction)
    _apply_identity(person, number, sex, birth_date)
    person.set_phone(mobile)
    if number:
        _refuse_duplicate(actor, number)
    person.full_clean(exclude=["id_number_hash"])
    with transaction.atomic():
        _save_unique(person)
        ensure_allowed(actor, person, "add")
        record_event(
            "people.person_registered",
            _("Person registered: %(name)s") % {"name": person.name},
            jurisdiction_code=person.jurisdiction_id,
            subject=person,
            actor=actor,
        )
    return person


def do_update_person(person: Person, changes: dict, *, actor) -> Person:
    """Change a person's details. ``id_number``/``phone`` in ``changes`` replace (or, blank, clear)
    the stored value; absent, it stays. While a number is held, sex and birth date follow it.
    """
    ensure_allowed(actor, person, "change")
    household = changes.get("household", person.household)
    jurisdiction = changes.get("jurisdiction")
    _require_visible(actor, household)
    _require_visible(actor, jurisdiction)
    if "name" in changes:
        person.name = (changes["name"] or "").strip()
    if household is None and jurisdiction is None:
        jurisdiction = person.jurisdiction
    _place_person(person, household, jurisdiction)
    sex = changes.get("sex", person.sex)
    birth_date = changes.get("birth_date", person.birth_date)
    number = None  # None keeps the stored number, "" clears it
    if "id_number" in changes:
        number = _normalised("id_number", changes["id_number"], normalize_id_number)
    if number:
        _refuse_duplicate(actor, number, exclude_pk=person.pk)
        # A new number brings its own sex and birth date unless the change states them too.
        _apply_identity(person, number, changes.get("sex", ""), changes.get("birth_date"))
    elif number is None and person.id_number_hash:
        _keep_derived(person, sex, birth_date)
    else:
        person.set_id_number("")
        person.sex, person.birth_date = sex or "", birth_date
    if "phone" in changes:
        person.set_phone(_normalised("phone", changes["phone"], normalize_phone))
    person.full_clean(exclude=["id_number_hash"])
    with transaction.atomic():
        _save_unique(person)
        ensure_allowed(actor, person, "change")  # a move out of the actor's area rolls back
    return person


def do_delete_person(person: Person, *, actor) -> None:
    """Remove a person registered by mistake; one that other records refer to is kept."""
    ensure_allowed(actor, person, "delete")
    with transaction.atomic():
        record_event(
            "people.person_deleted",
            _("Person removed: %(name)s") % {"name": person.name},
            jurisdiction_code=person.jurisdiction_id,
            actor=actor,
        )
        try:
            with transaction.atomic():
                person.delete()
        except ProtectedError as exc:
            kinds = sorted({str(o._meta.verbose_name) for o in exc.protected_objects})
            raise _field_error(
                "person",
                _("Other records still refer to this person: %(kinds)s.")
                % {"kinds": ", ".join(kinds)},
                "protected",
            ) from exc


def _keep_derived(person: Person, sex: str, birth_date) -> None:
    """The stored sex and birth date came from the held number; they change only with it."""
    if sex != person.sex:
        raise _field_error(
            "sex",
            _("Sex follows the identity number; correct the number instead."),
            "contradicts_id",
        )
    if birth_date != person.birth_date:
        raise _field_error(
            "birth_date",
            _("The birth date follows the identity number; correct the number instead."),
            "contradicts_id",
        )


def checked_reason(reason: str | None, missing: str) -> str:
    """The stripped reason of a reveal or an identity search, or an error on ``reason``."""
    reason = (reason or "").strip()
    if not reason:
        raise _field_error("reason", missing, "required")
    if len(reason) > REASON_MAX_LENGTH:
        raise _field_error(
            "reason",
            _("Keep the reason under %(n)d characters.") % {"n": REASON_MAX_LENGTH},
            "max_length",
        )
    return reason


def do_reveal_identity(person: Person, *, actor, reason: str) -> dict[str, str]:
    """Show a person's plain identity number and phone to an actor holding ``people.reveal_person``.

    Every reveal is a ``people.identity_revealed`` event naming the actor and the reason given
    (decision 0031); without the permission nothing is decrypted and nothing recorded.
    """
    ensure_allowed(actor, person, "reveal")
    reason = checked_reason(reason, _("Say why you need the identity data."))
    with transaction.atomic():
        values = person.reveal()
        record_event(
            "people.identity_revealed",
            _("Identity of %(name)s revealed: %(reason)s")
            % {"name": person.name, "reason": reason},
            jurisdiction_code=person.jurisdiction_id,
            subject=person,
            actor=actor,
            payload={"reason": reason, "fields": [k for k, v in values.items() if v]},
        )
    return values


def find_person_by_id_number(user, id_number: str) -> Person | None:
    """The person in the user's area holding this number (exact, through the hash), or None.

    A malformed number is an error on ``id_number`` rather than a silent "not found".
    """
    number = _normalised("id_number", id_number, normalize_id_number)
    if not number:
        raise _field_error("id_number", _("Enter an identity number."), "required")
    return Person.objects.restrict(user, "view").filter(id_number_hash=lookup_hash(number)).first()


def ensure_can_reveal(user) -> None:
    """Raise PermissionDenied unless the user's role may reveal identity data at all."""
    if not user.has_perm("people.reveal_person"):
        raise PermissionDenied(_("Your role may not reveal identity data."))
