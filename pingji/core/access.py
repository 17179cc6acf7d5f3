"""The one chokepoint for access: ``Model.objects.restrict(user, action)``.

A user acts within a jurisdiction; "within my area" is a prefix match on the hierarchical
jurisdiction code, so every scoped query is one indexed ``LIKE 'code%'`` (decision 0001;
docs/architecture.md, "Reads through ``restrict``").
Whether the user may do ``action`` at all comes from their role (``users.roles``) through Django's
permission system. Objects outside the scope simply are not in the queryset, which the views turn
into 404.
"""

from typing import ClassVar, Self

from django.core.exceptions import PermissionDenied
from django.db import models

from . import lookups  # noqa: F401 — registers the __within lookup used below
from .audit import AuditedQuerySet
from .jurisdiction import jurisdiction_of


def scope_code(user) -> str | None:
    """The jurisdiction code prefix a user sees; "" for an unscoped superuser, None for nothing."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    code = getattr(user, "jurisdiction_id", None)
    if code:
        return code
    return "" if user.is_superuser else None


class ScopedQuerySet(AuditedQuerySet):
    #: Whether the rows were narrowed to what a caller sees (``restrict``, ``colleagues``) or
    #: declared to reach beyond it on purpose (``beyond_scope``). A form or serializer offers a
    #: scoped model's rows only from such a queryset (``core.forms.set_choices``), so forgetting to
    #: narrow a choice fails loudly instead of listing another county's rows.
    scoped = False

    def _clone(self) -> Self:
        clone = super()._clone()  # type: ignore[misc]
        clone.scoped = self.scoped
        return clone

    def restrict(self, user, action: str = "view") -> Self:
        """Rows the user may ``action`` (view, add, change, delete, or a custom action)."""
        meta = self.model._meta
        code = scope_code(user)
        if code is None or not user.has_perm(f"{meta.app_label}.{action}_{meta.model_name}"):
            rows = self.none()
        else:
            rows = self.within(code) if action == "view" else self.subtree(code)
        rows.scoped = True
        return rows

    def beyond_scope(self, why: str) -> Self:
        """These rows reach outside the caller's area on purpose; ``why`` says so where it is
        written (e.g. a liaison official is chosen from the levels above an establishment)."""
        rows = self._chain()  # type: ignore[attr-defined]
        rows.scoped = True
        return rows

    def subtree(self, code: str) -> Self:
        """Rows inside the subtree of a jurisdiction code ("" = everything)."""
        return self.filter(**{f"{self._scope_field}__within": code}) if code else self

    def within(self, code: str) -> Self:
        """What a user looking at ``code`` sees: its subtree (the switcher's focus uses this)."""
        return self.subtree(code)

    @property
    def _scope_field(self) -> str:
        return getattr(self.model, "scope_field")  # noqa: B009 — declared on ScopedModel


def colleagues(user):
    """Active accounts in ``user``'s area: whom a user names as attendee, staff or assignee.

    Browsing accounts is the administrator's right (``users.view_user``), so this is narrowed by
    the area alone rather than by ``restrict``; anyone outside it does not exist for the caller.
    """
    from django.contrib.auth import get_user_model

    code = scope_code(user)
    accounts = get_user_model().objects.filter(is_active=True)
    rows = accounts.none() if code is None else accounts.subtree(code)
    rows.scoped = True
    return rows


def codes_above(code: str) -> list[str]:
    """Every proper prefix of a code, national "" first.

    Only the ancestors' codes among them name jurisdictions, so an ``IN`` over all of them finds
    exactly the ancestors' rows without this module knowing the length of each level's code.
    """
    return [code[:n] for n in range(len(code))]


class InheritedScopeQuerySet(ScopedQuerySet):
    """Rows decided above that apply below: protocol versions, response-mode switches.

    A county works under its province's protocol and its city's emergency mode, so it must *see*
    them (and the national rows, scope ""): viewing covers the subtree plus every ancestor. Writing
    stays within the user's own subtree — a county never amends its province's decision.
    """

    def within(self, code: str) -> Self:
        if not code:
            return self
        field = self._scope_field
        return self.filter(
            models.Q(**{f"{field}__within": code}) | models.Q(**{f"{field}__in": codes_above(code)})
        )


ScopedManager = models.Manager.from_queryset(ScopedQuerySet)


class ScopedModel(models.Model):
    """Base for every model that belongs to a jurisdiction.

    ``scope_field`` names the lookup holding the jurisdiction code. Point it at a foreign key's code
    (``jurisdiction__code``) and Django trims the join, so the filter stays on the local column.
    """

    scope_field: ClassVar[str] = "jurisdiction__code"
    objects: ClassVar[models.Manager] = ScopedManager()

    class Meta:
        abstract = True

    @property
    def scope(self) -> str:
        """The jurisdiction code this row belongs to (``jurisdiction_of``)."""
        return jurisdiction_of(self)


def ensure_allowed(user, obj: models.Model, action: str = "view") -> None:
    """Re-check, inside the writing transaction, that the user may still ``action`` the row.

    Raising rolls the transaction back, so a write that would leave the user's jurisdiction
    (moving a person to another county, say) leaves nothing behind.
    """
    rows = type(obj)._default_manager.restrict(user, action)  # type: ignore[attr-defined]
    if not rows.filter(pk=obj.pk).exists():
        raise PermissionDenied(f"{type(obj)._meta.verbose_name} is outside your jurisdiction")
