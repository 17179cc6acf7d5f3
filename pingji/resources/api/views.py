import datetime
from collections.abc import Callable

from django.db.models import Model
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from pingji.core import clock
from pingji.core.access import scope_code
from pingji.core.api.base import ScopedModelViewSet, ScopedReadOnlyViewSet

from ..actions.registers import do_save_facility, do_save_store, do_save_workforce
from ..actions.stock import do_issue_stock, do_receive_stock, do_transfer_stock
from ..models import Batch, Facility, Movement, Store, SupplyItem, Workforce
from ..reserves import reserve_rows
from . import serializers as s


class SupplyItemViewSet(viewsets.ReadOnlyModelViewSet):
    """The catalogue of supply items (shared by the whole province)."""

    queryset = SupplyItem.objects.all()
    serializer_class = s.SupplyItemSerializer
    permission_classes = [permissions.IsAuthenticated]


class _SavedThroughActions(ScopedModelViewSet):
    """Creates and edits go through the app's action (``save_action``), never the serializer."""

    save_action: Callable[..., Model] | None = None

    def perform_create(self, serializer):
        serializer.instance = type(self).save_action(
            dict(serializer.validated_data), actor=self.request.user
        )

    def perform_update(self, serializer):
        serializer.instance = type(self).save_action(
            dict(serializer.validated_data), actor=self.request.user, instance=serializer.instance
        )


class StoreViewSet(_SavedThroughActions):
    """Stores of supplies; stock moves through ``receive``, ``issue`` and ``transfer``."""

    queryset = Store.objects.all()
    serializer_class = s.StoreSerializer
    save_action = do_save_store
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_permissions(self):
        if self.action in ("receive", "issue", "transfer"):
            return [permissions.IsAuthenticated()]  # the action checks change rights on the store
        return super().get_permissions()

    def _step(self, request, body_class, act):
        store = self.get_object()
        if not request.user.has_perm("resources.add_movement"):
            raise exceptions.PermissionDenied()
        body = body_class(data=request.data)
        body.is_valid(raise_exception=True)
        moves = act(store, actor=request.user, **body.validated_data)
        moves = moves if isinstance(moves, list) else [moves]
        return Response(s.MovementSerializer(moves, many=True).data, status=201)

    @extend_schema(request=s.ReceiveSerializer, responses=s.MovementSerializer(many=True))
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        """Receive a lot; an expired lot or a bad quantity is refused."""
        return self._step(request, s.ReceiveSerializer, do_receive_stock)

    @extend_schema(request=s.IssueSerializer, responses=s.MovementSerializer(many=True))
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        """Issue first expiry first out; more than the unexpired stock is refused."""
        return self._step(request, s.IssueSerializer, do_issue_stock)

    @extend_schema(request=s.TransferSerializer, responses=s.MovementSerializer(many=True))
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        return self._step(request, s.TransferSerializer, do_transfer_stock)


class BatchViewSet(ScopedReadOnlyViewSet):
    queryset = Batch.objects.all()
    serializer_class = s.BatchSerializer
    filterset_fields = ["store", "item"]


class MovementViewSet(ScopedReadOnlyViewSet):
    queryset = Movement.objects.all()
    serializer_class = s.MovementSerializer
    filterset_fields = ["store", "item", "kind", "day"]


class FacilityViewSet(_SavedThroughActions):
    queryset = Facility.objects.all()
    serializer_class = s.FacilitySerializer
    save_action = do_save_facility
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_fields = ["kind"]


class WorkforceViewSet(_SavedThroughActions):
    queryset = Workforce.objects.all()
    serializer_class = s.WorkforceSerializer
    save_action = do_save_workforce
    http_method_names = ["get", "post", "patch", "head", "options"]


class ReservesView(APIView):
    """Reserve days of every item in every store of the caller's area (or ``within``) on ``on``."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("on", str), OpenApiParameter("within", str)],
        responses=s.ReserveRowSerializer(many=True),
    )
    def get(self, request):
        own = scope_code(request.user)
        if own is None or not request.user.has_perm("resources.view_store"):
            raise exceptions.NotFound()
        code = request.query_params.get("within") or own
        if not code.startswith(own):
            raise exceptions.NotFound()
        try:
            on = datetime.date.fromisoformat(request.query_params.get("on") or str(clock.today()))
        except ValueError as exc:
            raise exceptions.ValidationError({"on": "YYYY-MM-DD"}) from exc
        rows = reserve_rows(code, on)
        if request.query_params.get("under") == "1":
            rows = [r for r in rows if r.under_reserve]
        return Response(s.ReserveRowSerializer(rows, many=True).data)
