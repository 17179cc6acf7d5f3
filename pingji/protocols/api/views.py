from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from pingji.core import clock
from pingji.core.access import scope_code
from pingji.core.api.base import ScopedViewSetMixin
from pingji.geo.models import Jurisdiction

from ..actions.versions import do_amend_protocol, do_copy_protocol
from ..filtersets import ProtocolFilterSet
from ..models import Protocol
from ..versions import explain
from .serializers import (
    InForceQuerySerializer,
    ProtocolAmendSerializer,
    ProtocolCopySerializer,
    ProtocolSerializer,
)


class ProtocolViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Protocol versions: national, of the caller's higher levels, and of their own area.

    ``POST`` copies a version (``based_on``) for an area of the caller's from a date; ``PUT`` and
    ``PATCH`` amend a version of the caller's own area and need a ``reason``. Rules come back with
    every error at its JSON path.
    """

    queryset = Protocol.objects.all()
    serializer_class = ProtocolSerializer
    filterset_class = ProtocolFilterSet

    def get_serializer_class(self):
        if self.action == "create":
            return ProtocolCopySerializer
        if self.action in ("update", "partial_update"):
            return ProtocolAmendSerializer
        return ProtocolSerializer

    @extend_schema(request=ProtocolCopySerializer, responses={201: ProtocolSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        copy = do_copy_protocol(data.pop("based_on"), actor=request.user, **data)
        return Response(ProtocolSerializer(copy).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ProtocolAmendSerializer, responses={200: ProtocolSerializer})
    def update(self, request, *args, **kwargs):
        protocol = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        do_amend_protocol(protocol, actor=request.user, **serializer.validated_data)
        return Response(ProtocolSerializer(protocol).data)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "jurisdiction", str, description="jurisdiction code (yours if omitted)"
            ),
            OpenApiParameter("date", str, description="YYYY-MM-DD (today if omitted)"),
        ],
        responses={200: None},
    )
    @action(detail=False, url_path="in-force")
    def in_force(self, request):
        """The version in force for a jurisdiction on a day, with the reason and the candidates."""
        query = InForceQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        code = query.validated_data.get("jurisdiction") or (scope_code(request.user) or "")
        if code and not Jurisdiction.objects.restrict(request.user).filter(code=code).exists():
            raise NotFound
        if not code and scope_code(request.user) != "":
            raise NotFound
        choice = explain(code, query.validated_data.get("date") or clock.today())
        if (
            choice.protocol is not None
            and not self.get_queryset().filter(pk=choice.protocol.pk).exists()
        ):
            raise NotFound
        return Response(
            {
                "jurisdiction": choice.jurisdiction_code,
                "date": choice.on,
                "protocol": ProtocolSerializer(choice.protocol).data if choice.protocol else None,
                "reason": choice.reason,
                "candidates": [
                    {
                        "id": c.protocol.pk,
                        "name": c.protocol.name,
                        "jurisdiction_code": c.protocol.jurisdiction_code,
                        "effective_from": c.protocol.effective_from,
                        "status": c.status,
                        "reason": c.reason,
                    }
                    for c in choice.candidates
                ],
            }
        )
