from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, status
from rest_framework.decorators import action
from rest_framework.response import Response

from pingji.core.api.base import ScopedModelViewSet, ScopedReadOnlyViewSet

from ..actions import accounts
from ..filtersets import UserFilterSet
from ..models import AccessRefusal, User
from .serializers import AccessRefusalSerializer, SetPasswordSerializer, UserSerializer


class UserViewSet(ScopedModelViewSet):
    """Accounts within the caller's area. Never deleted (DELETE is 405): deactivate them with
    ``is_active: false``. Passwords are written on creation and through ``set-password`` only.
    """

    queryset = User.objects.all()
    serializer_class = UserSerializer
    filterset_class = UserFilterSet
    select_related = ("jurisdiction",)
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_permissions(self):
        if self.action == "set_password":  # a POST, but it changes an account: change_user
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    def perform_create(self, serializer):
        serializer.instance = accounts.do_create_user(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = accounts.do_update_user(
            serializer.instance, serializer.validated_data, actor=self.request.user
        )

    @extend_schema(
        request=SetPasswordSerializer, responses={204: OpenApiResponse(description="Password set")}
    )
    @action(detail=True, methods=["post"], url_path="set-password")
    def set_password(self, request, pk=None):
        """Give the account a new password; its API token is revoked and its sessions end."""
        account = self.get_object()
        if not request.user.has_perm("users.change_user"):
            raise exceptions.PermissionDenied()
        body = SetPasswordSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        accounts.do_set_password(account, body.validated_data["password"], actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AccessRefusalViewSet(ScopedReadOnlyViewSet):
    """Refused access (403, and 404 outside one's area) in the caller's area, newest first: for
    auditors, and for a SIEM that pulls them with a service account's token."""

    queryset = AccessRefusal.objects.select_related("user")
    serializer_class = AccessRefusalSerializer
