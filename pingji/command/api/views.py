from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from pingji.core.access import scope_code
from pingji.core.api.base import ScopedViewSetMixin
from pingji.geo.models import Jurisdiction

from ..actions.meetings import do_record_meeting
from ..actions.modes import do_switch_mode
from ..filtersets import ModeSwitchFilterSet
from ..models import Meeting, ModeSwitch
from ..modes import mode_for
from .serializers import (
    MeetingSerializer,
    ModeInForceSerializer,
    ModeSwitchSerializer,
    SwitchModeSerializer,
)


def _visible_jurisdiction(user, code: str) -> Jurisdiction:
    found = Jurisdiction.objects.restrict(user).defer("boundary").filter(code=code).first()
    if found is None:
        raise NotFound
    return found


class ModeSwitchViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Mode switches of the caller's area and of its higher levels; ``POST`` switches a mode.

    Switches are never edited or deleted: the history of decisions stays as it was made.
    """

    queryset = ModeSwitch.objects.all()
    serializer_class = ModeSwitchSerializer
    filterset_class = ModeSwitchFilterSet
    select_related = ("jurisdiction", "decided_by")

    def get_serializer_class(self):
        return SwitchModeSerializer if self.action == "create" else ModeSwitchSerializer

    @extend_schema(request=SwitchModeSerializer, responses={201: ModeSwitchSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        place = _visible_jurisdiction(request.user, data.pop("jurisdiction"))
        switch = do_switch_mode(place, actor=request.user, **data)
        return Response(ModeSwitchSerializer(switch).data, status=status.HTTP_201_CREATED)


class CurrentModeView(APIView):
    """The mode in force for a jurisdiction now: its own latest switch or the nearest ancestor's."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("jurisdiction", str, description="code (yours if omitted)")],
        responses={200: ModeInForceSerializer},
    )
    def get(self, request):
        code = request.query_params.get("jurisdiction") or scope_code(request.user) or ""
        if not code:
            raise NotFound
        place = _visible_jurisdiction(request.user, code)
        current = mode_for(place)
        data = {
            "jurisdiction": place.code,
            "mode": current.mode,
            "level": current.level,
            "label": current.label,
            "since": current.since,
            "switch": current.switch.pk if current.switch else None,
            "inherited_from": current.inherited_from.code if current.inherited_from else None,
        }
        return Response(ModeInForceSerializer(data).data)


class MeetingViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Headquarters meetings of the caller's area; ``POST`` records one. Never edited."""

    queryset = Meeting.objects.all()
    serializer_class = MeetingSerializer
    select_related = ("jurisdiction",)

    def get_queryset(self):
        return super().get_queryset().prefetch_related("directives")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        place = _visible_jurisdiction(request.user, data.pop("jurisdiction").code)
        meeting = do_record_meeting(place, actor=request.user, **data)
        return Response(MeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)
