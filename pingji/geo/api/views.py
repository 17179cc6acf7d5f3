from pingji.core.api.base import ScopedModelViewSet, ScopedReadOnlyViewSet

from ..actions import places
from ..filtersets import JurisdictionFilterSet, PlaceFilterSet
from ..models import Jurisdiction, Place
from .serializers import JurisdictionSerializer, PlaceSerializer


class JurisdictionViewSet(ScopedReadOnlyViewSet):
    """The jurisdiction tree within the caller's area (boundaries come from /geo/map.json)."""

    queryset = Jurisdiction.objects.defer("boundary")
    serializer_class = JurisdictionSerializer
    filterset_class = JurisdictionFilterSet

    def get_queryset(self):
        return super().get_queryset().defer("boundary")


class PlaceViewSet(ScopedModelViewSet):
    queryset = Place.objects.all()
    serializer_class = PlaceSerializer
    filterset_class = PlaceFilterSet

    def perform_create(self, serializer):
        serializer.instance = places.do_create_place(
            **serializer.validated_data, actor=self.request.user
        )

    def perform_update(self, serializer):
        places.do_update_place(
            serializer.instance, serializer.validated_data, actor=self.request.user
        )

    def perform_destroy(self, instance):
        places.do_delete_place(instance, actor=self.request.user)
