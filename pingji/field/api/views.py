"""The field app's API: the device key, the day, sync, and the sync history.

The key and the day are handed out only to an active, logged-in user whose device is not revoked;
a refusal that means "wipe" says so (``{"wipe": true}``, 403), which a request without a session
gets too when its device's account was deactivated (decision 0045). Every answer is ``no-store``:
the phone keeps what it needs in its own encrypted store, never in the browser's HTTP cache.
"""

from django.middleware.csrf import get_token
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from pingji.core import clock
from pingji.core.context import bind
from pingji.core.views.base import focus_code

from .. import day, keys
from ..actions.devices import do_note_key_given, do_register_device
from ..actions.sync import do_sync
from ..models import FieldDevice, FieldRecord
from .serializers import FieldRecordSerializer, SyncAnswerSerializer, SyncSerializer

REFUSALS = {
    "revoked": gettext_lazy("This device was revoked: its data is wiped."),
    "deactivated": gettext_lazy("This account is deactivated: the data on this device is wiped."),
    "another-user": gettext_lazy("This device's data belonged to another account: it is wiped."),
}


def wipe_answer(reason: str) -> Response:
    return Response(
        {"wipe": True, "reason": reason, "detail": str(REFUSALS[reason])},
        status=status.HTTP_403_FORBIDDEN,
    )


def register(request) -> tuple[FieldDevice, Response | None]:
    """The caller's new device, registered at its first ask (for the key, or the day)."""
    device_id = keys.parse_device(request.query_params["device"])
    assert device_id is not None  # checked by ``device_or_refusal``
    device = do_register_device(
        actor=request.user, device=device_id, label=request.META.get("HTTP_USER_AGENT", "")
    )
    reason = keys.withheld(device, request.user)
    return device, wipe_answer(reason) if reason else None


class FieldAPIView(APIView):
    """Binds the actor of the change log (token users are known only inside DRF) and keeps every
    answer out of caches."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        bind(request.user, getattr(request._request, "request_id", None))

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_cache_control(response, no_store=True, private=True)
        return response

    def device_or_refusal(self, request, value) -> tuple[FieldDevice | None, Response | None]:
        """The caller's device named by ``value``, or the answer that refuses it."""
        device_id = keys.parse_device(value)
        if device_id is None:
            return None, Response({"device": _("Give the device id.")}, status=400)
        device = FieldDevice.objects.select_related("user").filter(device=device_id).first()
        reason = keys.withheld(device, request.user)
        if reason:
            return None, wipe_answer(reason)
        if not request.user.is_authenticated:
            return None, Response({"login": True, "detail": _("Log in again to sync.")}, status=401)
        if not keys.may_use(request.user):
            return None, Response({"detail": _("The field app is for grid workers.")}, status=403)
        return device, None

    def known_or_registered(self, request) -> FieldDevice | Response:
        """The device the query names, registered at its first ask (for the key, or the day), or
        the answer that refuses it."""
        device, refusal = self.device_or_refusal(request, request.query_params.get("device"))
        if refusal is None and device is None:
            device, refusal = register(request)
        return refusal if refusal is not None else device


class KeyView(FieldAPIView):
    """The key of the caller's device (registered at its first ask), with the CSRF token the
    app's writes need and when the phone must wipe the day."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("device", OpenApiTypes.UUID, required=True)],
        responses={200: OpenApiTypes.OBJECT, 401: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        device = self.known_or_registered(request)
        if isinstance(device, Response):
            return device
        do_note_key_given(device)
        return Response(
            {
                "key": keys.key_of(device),
                "user": request.user.pk,
                "csrf": get_token(request._request),
                "day": clock.today().isoformat(),
                "expires_at": keys.expires_at(clock.today()).isoformat(),
                "keep_hours": keys.keep_hours(),
            }
        )


class DayView(FieldAPIView):
    """The day's lists for the caller's device (``field.day``), masked as the online pages."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("device", OpenApiTypes.UUID, required=True)],
        responses={200: OpenApiTypes.OBJECT, 401: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        device = self.known_or_registered(request)
        if isinstance(device, Response):
            return device
        return Response(day.build(request.user, focus_code(request._request)))


class SyncView(FieldAPIView):
    """Replay a batch of the phone's records through the domains' actions (``actions.sync``)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(request=SyncSerializer, responses={200: SyncAnswerSerializer(many=True)})
    def post(self, request):
        body = request.data if isinstance(request.data, dict) else {}
        device, refusal = self.device_or_refusal(request, body.get("device"))
        if refusal is not None:
            return refusal
        if device is None:
            return Response({"device": _("Ask for the device's key first.")}, status=400)
        records = body.get("records")
        if not isinstance(records, list):
            return Response({"records": _("Send the records as a list.")}, status=400)
        return Response({"results": do_sync(actor=request.user, device=device, records=records)})


class RecordListView(generics.ListAPIView):
    """The caller's own sync history, newest first."""

    serializer_class = FieldRecordSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return FieldRecord.objects.filter(user=self.request.user).order_by("-received_at", "-id")
