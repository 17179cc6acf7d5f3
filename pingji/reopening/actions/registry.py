"""Registering establishments and their people; the helpers every step shares."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core import clock
from pingji.core.access import ensure_allowed
from pingji.core.actions import aware, locked, record_on
from pingji.core.messages import message

from ..choices import SCHOOL_KINDS, Kind, Status
from ..contracts import CLOSED, REGISTERED, UPDATED
from ..credit import validate_credit_code
from ..models import (
    Establishment,
    Member,
    StatusChange,
)

#: Fields a registration or an update may set.
FIELDS = (
    "kind",
    "name",
    "credit_code",
    "sector",
    "size",
    "workforce",
    "grades",
    "pupils",
    "address",
    "place",
    "jurisdiction",
    "key",
    "status",
)
#: Statuses from which an establishment may apply to resume.
MAY_APPLY = (Status.CLOSED, Status.PAUSED)


def _now(at):
    return aware(at or clock.now())


def _locked(est: Establishment, actor, action: str = "change") -> Establishment:
    return locked(est, actor, action, outside=_("This establishment is outside your area."))


def _move(est: Establishment, status: str, *, actor, at, reason: str = "", clause: str = ""):
    """Set the establishment's status and keep the move in its history."""
    StatusChange.objects.create(
        establishment=est,
        previous=est.status,
        status=status,
        at=at,
        day=timezone.localdate(at),
        reason=reason[:300],
        clause=clause[:300],
        actor=actor if getattr(actor, "pk", None) else None,
    )
    est.status, est.status_since = status, at
    est.save(update_fields=["status", "status_since"])


def clean_establishment(est: Establishment) -> None:
    """Validate one establishment as registration and import both do (errors keyed by field)."""
    errors: dict[str, list] = {}
    if est.credit_code:
        try:
            est.credit_code = validate_credit_code(est.credit_code)
        except ValidationError as exc:
            errors["credit_code"] = exc.messages
    else:
        est.credit_code = None
    if est.kind == Kind.ENTERPRISE and not est.credit_code and "credit_code" not in errors:
        errors["credit_code"] = [_("An enterprise is registered with its credit code.")]
    if est.kind not in SCHOOL_KINDS and est.pupils:
        errors["pupils"] = [_("Only schools and kindergartens have pupils.")]
    place = est.place if est.place_id else None
    if (
        place is not None
        and est.jurisdiction_id
        and not place.jurisdiction_id.startswith(est.jurisdiction_id)
    ):
        errors["place"] = [_("The address place lies outside the establishment's jurisdiction.")]
    try:
        est.full_clean(exclude=[f for f in errors] + ["liaison"], validate_unique=True)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def do_register_establishment(*, actor, **fields) -> Establishment:
    """Register an establishment in the actor's area; a duplicate is refused by field."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValidationError({"__all__": [_("Unknown fields: %s") % ", ".join(sorted(unknown))]})
    est = Establishment(**fields)
    if est.jurisdiction_id is None:
        raise ValidationError({"jurisdiction": [_("Choose the jurisdiction.")]})
    clean_establishment(est)
    with transaction.atomic():
        try:
            est.save()
        except IntegrityError as exc:
            raise ValidationError(
                {"name": [_("This establishment is already registered.")]}
            ) from exc
        ensure_allowed(actor, est, "add")
        record_on(
            est,
            REGISTERED,
            message(gettext_noop("%(name)s registered"), {"name": est.name}),
            actor=actor,
            payload={"kind": est.kind},
        )
    return est


def do_update_establishment(est: Establishment, changes: dict, *, actor) -> Establishment:
    """Correct an establishment's facts (its status moves only through the resumption steps)."""
    allowed = set(FIELDS) - {"status"}
    if set(changes) - allowed:
        raise ValidationError({"status": [_("The status changes through resumption steps only.")]})
    with transaction.atomic():
        est = _locked(est, actor)
        for field, value in changes.items():
            setattr(est, field, value)
        clean_establishment(est)
        est.save()
        ensure_allowed(actor, est, "change")
        record_on(
            est,
            UPDATED,
            message(gettext_noop("%(name)s corrected"), {"name": est.name}),
            actor=actor,
            payload={"fields": sorted(changes)},
        )
    return est


def do_add_member(est: Establishment, person, role: str, *, actor, group: str = "") -> Member:
    """Link a person to the establishment as staff or pupil (once), in a class or dormitory."""
    with transaction.atomic():
        est = _locked(est, actor)
        if role == "pupil" and not est.is_school:
            raise ValidationError({"role": [_("Only schools and kindergartens have pupils.")]})
        member = Member(establishment=est, person=person, role=role, group=(group or "").strip())
        member.full_clean(validate_unique=False)
        try:
            with transaction.atomic():
                member.save()
        except IntegrityError as exc:
            raise ValidationError({"person": [_("This person is already linked.")]}) from exc
        ensure_allowed(actor, member, "add")
    return member


def do_close_establishment(est: Establishment, *, actor, reason: str, at=None) -> Establishment:
    """Close an establishment (the outbreak's closure order or the survey's answer)."""
    at = _now(at)
    with transaction.atomic():
        est = _locked(est, actor)
        if est.status == Status.CLOSED:
            return est
        _move(est, Status.CLOSED, actor=actor, at=at, reason=reason)
        record_on(
            est,
            CLOSED,
            message(gettext_noop("%(name)s closed"), {"name": est.name}),
            actor=actor,
            payload={"reason": reason},
            at=at,
        )
    return est
