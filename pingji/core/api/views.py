from pingji.core.api.base import ScopedReadOnlyViewSet

from ..filtersets import ChangeFilterSet, EventFilterSet, JobFilterSet
from ..models import DomainEvent, Job, ObjectChange
from .serializers import DomainEventSerializer, JobSerializer, ObjectChangeSerializer


class ObjectChangeViewSet(ScopedReadOnlyViewSet):
    queryset = ObjectChange.objects.all()
    serializer_class = ObjectChangeSerializer
    filterset_class = ChangeFilterSet
    select_related = ("actor", "content_type")


class DomainEventViewSet(ScopedReadOnlyViewSet):
    queryset = DomainEvent.objects.all()
    serializer_class = DomainEventSerializer
    filterset_class = EventFilterSet
    select_related = ("actor",)


class JobViewSet(ScopedReadOnlyViewSet):
    queryset = Job.objects.all()
    serializer_class = JobSerializer
    filterset_class = JobFilterSet
