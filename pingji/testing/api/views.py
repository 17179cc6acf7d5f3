"""Testing API: campaigns and rounds opened, files uploaded, coverage and follow-ups read.

Writes go through ``actions``; everything answers within the caller's area (outside: 404).
"""

from rest_framework import exceptions, permissions, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from pingji.core.api.base import ScopedModelViewSet, ScopedReadOnlyViewSet

from .. import store, summary
from ..actions.follow_ups import do_record_retest
from ..actions.rounds import do_add_sampling_point, do_create_campaign, do_open_round
from ..actions.uploads import applied_ids, do_upload
from ..models import Campaign, Coverage, FollowUp, PositiveTube, Round, SamplingPoint, Upload
from .serializers import (
    CampaignSerializer,
    FollowUpSerializer,
    PositiveTubeSerializer,
    RetestSerializer,
    RoundSerializer,
    SamplingPointSerializer,
    TestingCoverageSerializer,
    TestingUploadSerializer,
)


class _Create(ScopedModelViewSet):
    http_method_names = ["get", "post", "head", "options"]


class CampaignViewSet(_Create):
    queryset = Campaign.objects.all()
    serializer_class = CampaignSerializer
    select_related = ("jurisdiction",)
    prefetch_related = ("areas", "places")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = do_create_campaign(
            actor=self.request.user,
            name=data["name"],
            jurisdiction=data["jurisdiction"],
            areas=data.get("areas", []),
            places=data.get("places", []),
            setting=data.get("setting", "general"),
            scope=data.get("scope", "city"),
        )


class RoundViewSet(_Create):
    """Rounds; ``POST {"campaign", "starts_at"[, "ratio"]}`` opens the next one.

    ``coverage/?level=county|township|community|grid|compound`` rolls coverage up;
    ``untested/?code=<grid>`` lists the person ids not yet sampled (door-to-door follow-up).
    """

    queryset = Round.objects.all()
    serializer_class = RoundSerializer
    select_related = ("campaign",)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = do_open_round(
            data["campaign"],
            actor=self.request.user,
            starts_at=data["starts_at"],
            ratio=data.get("ratio"),
        )

    @action(detail=True, methods=["get"])
    def coverage(self, request, pk=None):
        round = self.get_object()
        level = request.query_params.get("level", "grid")
        if level not in [*summary.LEVELS, summary.COMPOUND]:
            raise exceptions.ValidationError(
                {"level": "county, township, community, grid or compound"}
            )
        rows = summary.rollup(Coverage.objects.restrict(request.user).filter(round=round), level)
        return Response([{**r.__dict__, "percent": r.percent} for r in rows])

    @action(detail=True, methods=["get"])
    def untested(self, request, pk=None):
        round = self.get_object()
        code = request.query_params.get("code", "")
        own = request.user.jurisdiction_id or ""
        if not code.startswith(own) and not own.startswith(code):
            raise exceptions.NotFound()
        code = code if code.startswith(own) else own
        con = store.open_round(round.pk, applied_ids())
        try:
            people = store.untested(con, code, limit=10_000)
        finally:
            con.close()
        return Response({"code": code, "persons": [p for p, _h in people]})


class SamplingPointViewSet(_Create):
    queryset = SamplingPoint.objects.all()
    serializer_class = SamplingPointSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        round = data.pop("round")
        serializer.instance = do_add_sampling_point(round, actor=self.request.user, **data)


class UploadViewSet(_Create):
    """``POST`` multipart {round, kind: sampling|results, file}: 202 with the queued upload, or
    200 with the earlier upload of the same file (nothing changes)."""

    queryset = Upload.objects.all()
    serializer_class = TestingUploadSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        upload, created = do_upload(
            data["round"],
            actor=request.user,
            kind=data["kind"],
            name=data["file"].name,
            content=data["file"],
        )
        upload.refresh_from_db()
        code = status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK
        return Response(self.get_serializer(upload).data, status=code)


class CoverageViewSet(ScopedReadOnlyViewSet):
    queryset = Coverage.objects.all()
    serializer_class = TestingCoverageSerializer


class PositiveTubeViewSet(ScopedReadOnlyViewSet):
    queryset = PositiveTube.objects.all()
    serializer_class = PositiveTubeSerializer


class FollowUpViewSet(ScopedReadOnlyViewSet):
    """Members of positive tubes; ``POST …/retest/ {result, barcode}`` records the retest."""

    queryset = FollowUp.objects.all()
    serializer_class = FollowUpSerializer
    select_related = ("person",)

    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def retest(self, request, pk=None):
        follow = self.get_object()
        if not request.user.has_perm("testing.change_followup"):
            raise exceptions.PermissionDenied()
        data = RetestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # refusals answer through core.api's handler: 400, 409 when recorded meanwhile, 404
        follow = do_record_retest(follow, actor=request.user, **data.validated_data)
        return Response(FollowUpSerializer(follow).data)
