"""The messaging API: the outbox (list, detail, send a failed message again), opt-outs (list,
record one), and the endpoint the SMS and enterprise-messaging gateways call back with receipts
and replies."""

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from pingji.core.api.base import ScopedReadOnlyViewSet

from ..actions.optouts import do_record_opt_out
from ..actions.retry import do_retry_message
from ..choices import RecipientKind
from ..models import Message, OptOut
from .serializers import MessageSerializer, OptOutSerializer


class MessageViewSet(ScopedReadOnlyViewSet):
    """Messages to recipients in the caller's area; filters: ``status``, ``template``,
    ``channel``."""

    queryset = Message.objects.all()
    serializer_class = MessageSerializer
    filterset_fields = ["status", "template", "channel"]

    @extend_schema(request=None, responses=MessageSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        """Queue a failed message again (``messaging.retry_message``); 409 unless failed."""
        if not request.user.has_perm("messaging.retry_message"):
            raise exceptions.PermissionDenied()
        row = do_retry_message(self.get_object(), actor=request.user)
        return Response(MessageSerializer(row, context={"request": request}).data)


#: The model a recipient kind names: whom an opt-out is recorded for.
RECIPIENT_MODELS = {
    RecipientKind.PERSON: "people.Person",
    RecipientKind.USER: "users.User",
    RecipientKind.ESTABLISHMENT: "reopening.Establishment",
}


class OptOutViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Opt-outs of information messages in the caller's area. ``POST`` records one for a
    recipient (``recipient_kind``, ``recipient_id``, ``channel``, ``source``, ``note``); legal
    notifications are sent whatever it says (decision 0043 point 9)."""

    queryset = OptOut.objects.all()
    serializer_class = OptOutSerializer
    filterset_fields = ["channel", "recipient_kind"]

    def create(self, request, *args, **kwargs):
        body = OptOutSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        model = apps.get_model(RECIPIENT_MODELS[data["recipient_kind"]])
        recipient = model._default_manager.filter(pk=_int(data["recipient_id"])).first()
        unknown = ValidationError({"recipient_id": _("No such recipient in your area.")})
        if recipient is None:
            raise unknown
        try:
            row = do_record_opt_out(
                recipient,
                channel=data["channel"],
                source=data["source"],
                note=data.get("note", ""),
                actor=request.user,
            )
        except PermissionDenied as exc:  # outside the area answers as one that does not exist
            raise unknown from exc
        return Response(OptOutSerializer(row).data, status=status.HTTP_201_CREATED)


def _int(value: str) -> int:
    return int(value) if str(value).isdigit() and len(str(value)) < 19 else 0
