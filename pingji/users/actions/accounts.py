"""Account management: create, change, deactivate, set passwords and open service accounts, inside
the actor's area.

An administrator manages the accounts of their own jurisdiction and everything below it (``users.*``
in ``roles.py``); an account elsewhere is not in ``restrict()``, so it is a 404 like any other row
(reads go through ``restrict``, docs/architecture.md). Accounts are never deleted: every change log
row and domain event names its actor, so an account that is no longer needed is deactivated instead.
An actor cannot change their own role, jurisdiction or status — widening one's own rights, or
locking oneself out, takes a second administrator.
"""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core.access import ensure_allowed
from pingji.core.events import record_event
from pingji.core.messages import Message, message
from pingji.geo.models import Jurisdiction

from ..choices import Role
from ..contracts import (
    PASSWORD_CHANGED,
    PASSWORD_SET,
    SERVICE_ACCOUNT_CREATED,
    USER_CHANGED,
    USER_CREATED,
)
from ..models import User
from ..tokens import revoke_tokens

#: The fields ``do_update_user`` may change; the username is the account's fixed name and the
#: password has its own action (which also revokes the API token).
EDITABLE_FIELDS = ("role", "jurisdiction", "first_name", "last_name", "phone", "is_active")
#: What an actor may not change on their own account.
SELF_LOCKED_FIELDS = ("role", "jurisdiction", "is_active")


def password_errors(password: str, user: User) -> list[str]:
    """Why a password is refused for this account (empty when it is accepted)."""
    if not password:
        return [_("Enter a password.")]
    try:
        validate_password(password, user)  # settings.AUTH_PASSWORD_VALIDATORS
    except ValidationError as exc:
        return list(exc.messages)
    return []


def _assignment_errors(user: User) -> dict[str, list[str]]:
    """Every account needs a role and a jurisdiction: they are the inputs of every access check."""
    errors: dict[str, list[str]] = {}
    if user.role not in Role.values:
        errors["role"] = [_("Choose one of the roles.")]
    if user.jurisdiction_id is None:
        errors["jurisdiction"] = [_("Choose the jurisdiction the account works in.")]
    return errors


def _username_taken(username: str, exclude_pk=None) -> bool:
    """Usernames differing only in case would be told apart by nobody reading a log."""
    return User.objects.filter(username__iexact=username).exclude(pk=exclude_pk).exists()


def _validate(user: User, errors: dict[str, list[str]]) -> None:
    """Run the model's own checks on the fields not already refused, and raise all at once."""
    try:
        user.full_clean(exclude=list(errors))
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _guard(user: User, actor) -> None:
    """Only a superuser touches a superuser: an administrator could otherwise take one over."""
    if user.is_superuser and not getattr(actor, "is_superuser", False):
        raise PermissionDenied(_("Only a superuser may change a superuser."))


def do_create_user(
    *,
    actor,
    username: str,
    role: str,
    jurisdiction: Jurisdiction | None,
    password: str,
    first_name: str = "",
    last_name: str = "",
    phone: str = "",
) -> User:
    """Open an account in the actor's area, with a password that passes the validators."""
    if not actor.has_perm("users.add_user"):
        raise PermissionDenied
    if (
        jurisdiction is not None
        and not Jurisdiction.objects.restrict(actor).filter(pk=jurisdiction.pk).exists()
    ):
        raise PermissionDenied(_("This jurisdiction is outside your area."))
    user = User(
        username=username.strip(),
        role=role,
        jurisdiction=jurisdiction,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        phone=phone.strip(),
    )
    errors = _assignment_errors(user)
    if role == Role.SERVICE:
        errors["role"] = [_("Service accounts have no password: use `pingji service_account`.")]
    if user.username and _username_taken(user.username):
        errors["username"] = [_("A user with that username already exists.")]
    if problems := password_errors(password, user):
        errors["password"] = problems
    user.set_password(password or None)
    _validate(user, errors)
    try:
        with transaction.atomic():
            user.save()
            ensure_allowed(actor, user, "add")
            record_event(
                USER_CREATED,
                message(
                    gettext_noop("Account created: %(username)s (%(role)s)"),
                    {"username": user.username, "role": Role(user.role).label},
                ),
                jurisdiction_code=user.jurisdiction_id or "",
                subject=user,
                payload={"role": user.role},
                actor=actor,
            )
    except IntegrityError as exc:  # the same username saved by someone else a moment ago
        raise ValidationError({"username": _("A user with that username already exists.")}) from exc
    return user


def _field_label(name: str):
    """An account field's label, lazy: translated for each reader of the change's event."""
    return getattr(User._meta.get_field(name), "verbose_name", name)


def _change_summary(user: User, changed: list[str]) -> Message:
    if changed == ["is_active"]:
        template = (
            gettext_noop("Account reactivated: %(username)s")
            if user.is_active
            else gettext_noop("Account deactivated: %(username)s")
        )
        return message(template, {"username": user.username})
    return message(
        gettext_noop("Account changed: %(username)s (%(fields)s)"),
        {"username": user.username, "fields": [_field_label(f) for f in changed]},
    )


def do_update_user(user: User, changes: dict, *, actor) -> User:
    """Change an account's role, jurisdiction, names, phone or status (deactivation included).

    The account must be the actor's to change before the write, and still be after it: moving an
    account out of the actor's area rolls back. On refusal the object keeps its stored values.
    """
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValidationError({f: _("This field cannot be changed here.") for f in unknown})
    before = {field: getattr(user, field) for field in changes}
    if user.pk == actor.pk:
        own = [f for f in SELF_LOCKED_FIELDS if f in changes and changes[f] != before[f]]
        if own:
            raise ValidationError(
                {
                    f: _(
                        "You cannot change your own role, jurisdiction or status; ask another "
                        "administrator."
                    )
                    for f in own
                }
            )
    _guard(user, actor)
    try:
        with transaction.atomic():
            ensure_allowed(actor, user, "change")
            for field, value in changes.items():
                setattr(user, field, value.strip() if isinstance(value, str) else value)
            changed = [f for f in changes if getattr(user, f) != before[f]]
            _validate(user, _assignment_errors(user))
            if not changed:
                return user
            user.save()
            ensure_allowed(actor, user, "change")  # a move out of the actor's area rolls back
            record_event(
                USER_CHANGED,
                _change_summary(user, changed),
                jurisdiction_code=user.jurisdiction_id or "",
                subject=user,
                payload={"fields": changed},
                actor=actor,
            )
    except Exception:
        for field, value in before.items():
            setattr(user, field, value)
        raise
    return user


def do_set_password(user: User, password: str, *, actor) -> User:
    """Give an account a new password and revoke its API token.

    The stored session hash follows the password, so the account's open sessions end too; the
    event records that a password was set, never the password.
    """
    _guard(user, actor)
    ensure_allowed(actor, user, "change")
    if problems := password_errors(password, user):
        raise ValidationError({"password": problems})
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        ensure_allowed(actor, user, "change")
        revoked = revoke_tokens(user)
        record_event(
            PASSWORD_SET,
            message(gettext_noop("Password set: %(username)s"), {"username": user.username}),
            jurisdiction_code=user.jurisdiction_id or "",
            subject=user,
            payload={"token_revoked": bool(revoked)},
            actor=actor,
        )
    return user


def do_password_changed(user: User, *, how: str) -> None:
    """After a user changed or reset their own password (Django's forms saved it): revoke the
    API tokens, as an administrator's ``do_set_password`` does, and record it (no secret)."""
    with transaction.atomic():
        revoked = revoke_tokens(user)
        record_event(
            PASSWORD_CHANGED,
            message(
                gettext_noop("Password changed by its owner: %(username)s"),
                {"username": user.username},
            ),
            jurisdiction_code=user.jurisdiction_id or "",
            subject=user,
            payload={"how": how, "token_revoked": bool(revoked)},
            actor=user,
        )


def do_create_service_account(
    *, actor, username: str, jurisdiction: Jurisdiction, grants: list[str]
) -> User:
    """Open a service account: a system that pulls feeds within ``jurisdiction``.

    It has no usable password (``roles.PasswordBackend`` refuses it anyway) and reads only what
    ``grants`` names, each a ``view_`` permission (``app.view_model``); it gets a token with
    ``pingji token``. The jurisdiction scopes it like any account.
    """
    from django.contrib.auth.models import Permission

    if not actor.has_perm("users.add_user"):
        raise PermissionDenied
    if not Jurisdiction.objects.restrict(actor).filter(pk=jurisdiction.pk).exists():
        raise PermissionDenied(_("This jurisdiction is outside your area."))
    perms = []
    for grant in grants:
        app_label, _dot, codename = grant.partition(".")
        perm = Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        ).first()
        if perm is None or not codename.startswith("view_"):
            raise ValidationError(
                {"grants": _("%(perm)s is not a view permission.") % {"perm": grant}}
            )
        perms.append(perm)
    if _username_taken(username):
        raise ValidationError({"username": _("A user with that username already exists.")})
    with transaction.atomic():
        user = User(username=username.strip(), role=Role.SERVICE, jurisdiction=jurisdiction)
        user.set_unusable_password()
        user.save()
        user.user_permissions.set(perms)
        ensure_allowed(actor, user, "add")
        record_event(
            SERVICE_ACCOUNT_CREATED,
            message(
                gettext_noop("Service account created: %(username)s"), {"username": user.username}
            ),
            jurisdiction_code=jurisdiction.code,
            subject=user,
            payload={"grants": sorted(grants)},
            actor=actor,
        )
    return user
