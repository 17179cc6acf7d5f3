"""Merging two records of the same person: the merge tool tracing needs when one person was
registered twice.

Persons with an identity number are de-duplicated by its keyed hash as they are registered; the
same person can still be registered twice without one (a contact known by name and phone, later
reported as a case with their card). ``do_merge_persons`` moves everything that points at the
duplicate onto the record kept, then deletes the duplicate, in one transaction with one audited
event. It finds the references itself (every foreign key to ``Person`` in the project, and the
domain events about the duplicate), so a later domain's rows move too without this module knowing
them — apps depend downward.

Merging needs the right to change both records (``people.change_person`` in the area of each):
deleting the duplicate is part of correcting the register, not a deletion of a person.

Refused: two different identity numbers (two people, not one); either record outside the actor's
area; a merge that would break a uniqueness rule (both are contacts of the same investigation,
both have a case of the same episode…), named so a person can resolve it first.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core.access import ensure_allowed
from pingji.core.actions import error
from pingji.core.events import record_event
from pingji.core.messages import message
from pingji.core.models import DomainEvent

from ..contracts import PERSONS_MERGED
from ..models import Person


def person_references() -> list[tuple[type[models.Model], str]]:
    """(model, field name) of every reference to ``Person`` in the project: foreign keys and
    one-to-one fields, and the person column of many-to-many tables."""
    found = []
    relations = [
        f
        for f in Person._meta.get_fields(include_hidden=True)
        if f.is_relation and f.auto_created and not f.concrete  # reverse sides, "+" ones included
    ]
    for rel in relations:
        field = getattr(rel, "field", None)
        if isinstance(field, models.ForeignKey):
            found.append((field.model, field.name))
        elif isinstance(field, models.ManyToManyField):
            through = field.remote_field.through
            for f in through._meta.get_fields():  # type: ignore[union-attr]
                if isinstance(f, models.ForeignKey) and f.related_model is Person:
                    found.append((through, f.name))  # type: ignore[arg-type]
    return found


def _check(keep: Person, duplicate: Person) -> None:
    if keep.pk == duplicate.pk:
        raise error("duplicate", _("Choose another person to merge."), "same")
    if (
        keep.id_number_hash
        and duplicate.id_number_hash
        and (keep.id_number_hash != duplicate.id_number_hash)
    ):
        raise error(
            "duplicate",
            _(
                "%(a)s and %(b)s have different identity numbers: they are two people, not one "
                "record twice."
            )
            % {"a": keep.name, "b": duplicate.name},
            "different_identity",
        )


def do_merge_persons(keep: Person, duplicate: Person, *, actor) -> dict[str, int]:
    """Move every reference from ``duplicate`` to ``keep``, complete ``keep``'s identity data from
    the duplicate where it has none, delete the duplicate; returns rows moved per model label."""
    ensure_allowed(actor, keep, "change")
    ensure_allowed(actor, duplicate, "change")
    _check(keep, duplicate)
    moved: dict[str, int] = {}
    with transaction.atomic():
        keep = Person.objects.select_for_update().get(pk=keep.pk)
        duplicate = Person.objects.select_for_update().get(pk=duplicate.pk)
        _check(keep, duplicate)
        for model, name in person_references():
            label = model._meta.label
            try:
                with transaction.atomic():
                    n = model._base_manager.filter(**{name: duplicate}).update(**{name: keep})
            except IntegrityError as exc:
                raise error(
                    "duplicate",
                    _(
                        "Both records have a %(what)s that cannot be joined; resolve it first "
                        "(e.g. remove the repeated one)."
                    )
                    % {"what": model._meta.verbose_name},
                    "conflict",
                ) from exc
            if n:
                moved[label] = moved.get(label, 0) + n
        person_type = ContentType.objects.get_for_model(Person)
        about = DomainEvent.objects.filter(content_type=person_type, object_id=str(duplicate.pk))
        n = about.update(object_id=str(keep.pk))
        if n:
            moved["core.DomainEvent"] = n
        completed = _complete(keep, duplicate)
        summary = {"name": duplicate.name, "id": duplicate.pk, "keep": keep.name}
        duplicate.delete()
        if completed:
            keep.save()
        ensure_allowed(actor, keep, "change")
        record_event(
            PERSONS_MERGED,
            message(gettext_noop("%(name)s (#%(id)s) merged into %(keep)s"), summary),
            jurisdiction_code=keep.jurisdiction_id,
            subject=keep,
            actor=actor,
            payload={
                "duplicate": summary["id"],
                "duplicate_name": summary["name"],
                "moved": moved,
                "completed": completed,
            },
        )
    return moved


def _complete(keep: Person, duplicate: Person) -> list[str]:
    """Identity data the kept record lacks, taken from the duplicate (before it is deleted)."""
    taken = []
    if not keep.id_number_hash and duplicate.id_number_hash:
        keep.id_number_cipher = duplicate.id_number_cipher
        keep.id_number_hash = duplicate.id_number_hash
        keep.id_number_masked = duplicate.id_number_masked
        keep.sex = keep.sex or duplicate.sex
        keep.birth_date = keep.birth_date or duplicate.birth_date
        Person.objects.filter(pk=duplicate.pk).update(id_number_hash=None)  # the hash is unique
        taken.append("id_number")
    if not keep.phone_hash and duplicate.phone_hash:
        keep.phone_cipher, keep.phone_hash = duplicate.phone_cipher, duplicate.phone_hash
        keep.phone_masked = duplicate.phone_masked
        taken.append("phone")
    if keep.household_id is None and duplicate.household_id is not None:
        keep.household_id, keep.jurisdiction_id = duplicate.household_id, duplicate.jurisdiction_id
        taken.append("household")
    return taken
