"""Registering, changing and removing persons, and the refusals of a number held elsewhere.

Each action runs in one transaction, checks the actor's scope before touching anything and again
after the write (docs/architecture.md, "Conventions every app follows"), and records its domain
event inside the transaction. Identity numbers and phones arrive as plain text, are validated and
normalised by ``people.identity``, and are stored only as ciphertext, keyed hash and mask
(``core.crypto``, decision 0031).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core.access import ensure_allowed, scope_code
from pingji.core.actions import error
from pingji.core.crypto import lookup_hash
from pingji.core.events import record_event
from pingji.core.messages import message
from pingji.geo.choices import Level
from pingji.geo.models import Jurisdiction

from ..contracts import PERSON_DELETED, PERSON_REGISTERED, REGISTRATION_REFUSED
from ..identity import birth_date_of, normalize_id_number, normalize_phone, sex_of
from ..limits import province_of, spend_attempt
from ..models import Household, Person
from .households import require_visible


def normalised(field: str, value: str | None, normalise) -> str:
    """The normalised value, "" when blank; a bad value is an error on ``field``."""
    if not (value or "").strip():
        return ""
    try:
        return normalise(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.error_list}) from exc


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
        raise error("id_number", message, "duplicate")
    raise error("id_number", refuse_held_elsewhere(actor), "not_here")


def refuse_held_elsewhere(actor, purpose: str = "registration") -> str:
    """Spend a look-up, record the refusal for the province, and give the one refusal message.

    For every writer that meets a number held outside the actor's area (the person form, the
    API, the case line-list import): the answer never says "registered elsewhere".
    """
    spend_attempt(actor, purpose)
    record_event(
        REGISTRATION_REFUSED,
        message(
            gettext_noop(
                "A registration was refused: the identity number cannot be registered here."
            )
        ),
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
            raise error(
                "jurisdiction", _("The household lies in another grid; leave the grid empty.")
            )
        person.household, person.jurisdiction_id = household, household.jurisdiction_id
        return
    if jurisdiction is None:
        raise error(
            "jurisdiction", _("Give the person's household or grid of residence."), "required"
        )
    if jurisdiction.level != Level.GRID:
        raise error(
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
        raise error(
            "sex",
            _("The identity number says the person is %(sex)s.") % {"sex": derived_sex.label},
            "contradicts_id",
        )
    if birth_date and birth_date != derived_birth:
        raise error(
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
        raise error("id_number", cannot_register_here(), "not_here") from exc


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
    require_visible(actor, household)
    require_visible(actor, jurisdiction)
    number = normalised("id_number", id_number, normalize_id_number)
    mobile = normalised("phone", phone, normalize_phone)
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
            PERSON_REGISTERED,
            message(gettext_noop("Person registered: %(name)s"), {"name": person.name}),
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
    require_visible(actor, household)
    require_visible(actor, jurisdiction)
    if "name" in changes:
        person.name = (changes["name"] or "").strip()
    if household is None and jurisdiction is None:
        jurisdiction = person.jurisdiction
    _place_person(person, household, jurisdiction)
    sex = changes.get("sex", person.sex)
    birth_date = changes.get("birth_date", person.birth_date)
    number = None  # None keeps the stored number, "" clears it
    if "id_number" in changes:
        number = normalised("id_number", changes["id_number"], normalize_id_number)
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
        person.set_phone(normalised("phone", changes["phone"], normalize_phone))
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
            PERSON_DELETED,
            message(gettext_noop("Person removed: %(name)s"), {"name": person.name}),
            jurisdiction_code=person.jurisdiction_id,
            actor=actor,
        )
        try:
            with transaction.atomic():
                person.delete()
        except ProtectedError as exc:
            kinds = sorted({str(o._meta.verbose_name) for o in exc.protected_objects})
            raise error(
                "person",
                _("Other records still refer to this person: %(kinds)s.")
                % {"kinds": ", ".join(kinds)},
                "protected",
            ) from exc


def _keep_derived(person: Person, sex: str, birth_date) -> None:
    """The stored sex and birth date came from the held number; they change only with it."""
    if sex != person.sex:
        raise error(
            "sex",
            _("Sex follows the identity number; correct the number instead."),
            "contradicts_id",
        )
    if birth_date != person.birth_date:
        raise error(
            "birth_date",
            _("The birth date follows the identity number; correct the number instead."),
            "contradicts_id",
        )


def find_person_by_id_number(user, id_number: str) -> Person | None:
    """The person in the user's area holding this number (exact, through the hash), or None.

    A malformed number is an error on ``id_number`` rather than a silent "not found".
    """
    number = normalised("id_number", id_number, normalize_id_number)
    if not number:
        raise error("id_number", _("Enter an identity number."), "required")
    return Person.objects.restrict(user, "view").filter(id_number_hash=lookup_hash(number)).first()
