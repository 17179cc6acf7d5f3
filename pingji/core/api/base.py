"""Shared API plumbing: every endpoint lists and fetches through ``restrict``."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, permissions, viewsets
from rest_framework.request import Request
from rest_framework.views import exception_handler as drf_exception_handler

from pingji.core.actions import Conflict
from pingji.core.context import bind
from pingji.core.filtersets import BoundedFilterBackend

#: HTTP method → the action checked by ``restrict``.
METHOD_ACTIONS = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


class RoleCanAct(permissions.BasePermission):
    """Refuse writes the user's role does not allow (reads are left to the scoped queryset)."""

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        action = METHOD_ACTIONS.get(request.method, "view")
        if action == "view" or not hasattr(view, request.method.lower()):
            return True  # reads are scoped by the queryset; unsupported methods answer 405
        meta = view.queryset.model._meta
        return request.user.has_perm(f"{meta.app_label}.{action}_{meta.model_name}")


class ScopedViewSetMixin:
    """Bases ``get_queryset`` on ``Model.objects.restrict(user, action)``: outside scope is 404.

    Token authentication happens inside DRF, after the middleware, so the actor of the change log
    is bound again here, for the rest of the request: the log records of its refusals and of an
    unhandled error name the token's user. ``RequestContextMiddleware``'s ``acting_as`` restores
    the context when the request ends.
    """

    permission_classes = [permissions.IsAuthenticated, RoleCanAct]
    filter_backends = [BoundedFilterBackend]  # number filters bounded to the database's range

    select_related: tuple[str, ...] = ()
    #: Many-to-many fields a list shows: read in one query each per page, not one per row.
    prefetch_related: tuple[str, ...] = ()

    def get_queryset(self):
        # Writes need the object visible first (404 otherwise); RoleCanAct checks the action.
        qs = self.queryset.model.objects.restrict(self.request.user, "view")
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        return qs.prefetch_related(*self.prefetch_related) if self.prefetch_related else qs

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        bind(request.user, getattr(request._request, "request_id", None))


class StepActionsMixin:
    """POST steps (``@action``s) that change an object need their own permission, not ``add_…``.

    The viewset names them in ``step_actions``; ``RoleCanAct`` (which would ask for ``add_…`` on
    a POST) is skipped for them, and each step calls ``_require`` with the permission it needs.
    The object itself is still fetched through ``restrict`` (outside the area: 404).
    """

    step_actions: tuple[str, ...] = ()
    request: Request  # set by the viewset this is mixed into

    def get_permissions(self):
        if self.action in self.step_actions:
            return [permissions.IsAuthenticated()]
        return super().get_permissions()  # type: ignore[misc]

    def _require(self, perm: str) -> None:
        if not self.request.user.has_perm(perm):
            raise exceptions.PermissionDenied()


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    pass


class ConflictError(exceptions.APIException):
    """409: the record moved under the caller (an action's ``Conflict``); reload and decide."""

    status_code = 409
    default_detail = "The record changed; reload it."
    default_code = "conflict"


def exception_handler(exc, context):
    """Django's validation and permission errors answer like DRF's, with the field and reason.

    A ``Conflict`` answers 409 with the body a refusal of input has (400): the fields and why.
    """
    if isinstance(exc, DjangoValidationError) and getattr(exc, "code", None) == "rate_limited":
        exc = exceptions.Throttled(detail=exc.messages[0])  # 429, e.g. identity look-ups
    elif isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        kind = ConflictError if isinstance(exc, Conflict) else exceptions.ValidationError
        exc = kind(detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)
