from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from pingji.core import clock
from pingji.core.api.base import ScopedModelViewSet, ScopedReadOnlyViewSet, StepActionsMixin

from .. import schedule
from ..actions import monitoring, moving, release, self_report, sites
from ..actions.placement import do_place_person
from ..actions.transfer import do_transfer_placement
from ..filtersets import (
    HistoryEntryFilterSet,
    MonitoringCheckFilterSet,
    PlacementFilterSet,
    ReleaseFilterSet,
    RoomFilterSet,
    ScheduledTestFilterSet,
    SiteFilterSet,
    SiteStaffFilterSet,
)
from ..models import (
    HistoryEntry,
    MonitoringCheck,
    Placement,
    Release,
    Room,
    ScheduledTest,
    SelfReportLink,
    Site,
    SiteStaff,
)
from .serializers import (
    HistoryEntrySerializer,
    MonitoringCheckSerializer,
    PlacementMoveSerializer,
    PlacementReleaseSerializer,
    PlacementResultSerializer,
    PlacementSerializer,
    PlacementTransferSerializer,
    QuarantineRoomSerializer,
    QuarantineSiteSerializer,
    ReleaseRequestSerializer,
    ScheduledTestSerializer,
    SelfReportIssueSerializer,
    SelfReportLinkSerializer,
    SiteStaffSerializer,
)

STEP_ACTIONS = (
    *("release", "transfer", "move", "result", "today", "eligibility"),
    *("self_report_link", "revoke"),
)


class SiteViewSet(ScopedModelViewSet):
    """Quarantine sites in the caller's area (a site manager: their own sites only)."""

    queryset = Site.objects.all()
    serializer_class = QuarantineSiteSerializer
    filterset_class = SiteFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = sites.do_create_site(
            actor=self.request.user, **serializer.validated_data
        )


class RoomViewSet(ScopedModelViewSet):
    queryset = Room.objects.all()
    serializer_class = QuarantineRoomSerializer
    filterset_class = RoomFilterSet
    select_related = ("site",)
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("out_of_service", None)
        serializer.instance = sites.do_add_room(data.pop("site"), actor=self.request.user, **data)


class SiteStaffViewSet(ScopedModelViewSet):
    queryset = SiteStaff.objects.all()
    serializer_class = SiteStaffSerializer
    filterset_class = SiteStaffFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = sites.do_assign_staff(
            data["site"], actor=self.request.user, user=data["user"]
        )


class PlacementViewSet(StepActionsMixin, ScopedModelViewSet):
    """Placements, created by ``POST`` (person, category, last exposure or contact, site).

    ``release``, ``transfer``, ``move`` (home, to another grid) and ``result`` are the steps;
    ``eligibility`` says whether and why a person may be released today; ``today`` gives the
    day's schedule of the caller's area.
    """

    step_actions = STEP_ACTIONS
    queryset = Placement.objects.all()
    serializer_class = PlacementSerializer
    filterset_class = PlacementFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = do_place_person(actor=self.request.user, **serializer.validated_data)

    @extend_schema(request=ReleaseRequestSerializer, responses=PlacementReleaseSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        placement = self.get_object()
        self._require("quarantine.release_placement")
        body = ReleaseRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        done = release.do_release_placement(placement, actor=request.user, **body.validated_data)
        return Response(PlacementReleaseSerializer(done).data)

    @extend_schema(request=PlacementTransferSerializer, responses=PlacementSerializer)
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        placement = self.get_object()
        self._require("quarantine.change_placement")
        body = PlacementTransferSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        moved = do_transfer_placement(placement, actor=request.user, **body.validated_data)
        return Response(self.get_serializer(moved).data)

    @extend_schema(request=PlacementMoveSerializer, responses=PlacementSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        placement = self.get_object()
        self._require("quarantine.change_placement")
        body = PlacementMoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        moved = moving.do_move_home(placement, actor=request.user, **body.validated_data)
        return Response(self.get_serializer(moved).data)

    @extend_schema(request=PlacementResultSerializer, responses=ScheduledTestSerializer)
    @action(detail=True, methods=["post"])
    def result(self, request, pk=None):
        placement = self.get_object()
        self._require("quarantine.change_scheduledtest")
        body = PlacementResultSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = {k: v for k, v in body.validated_data.items() if k != "confirm"}
        test = monitoring.do_record_result(actor=request.user, placement=placement, **data)
        return Response(ScheduledTestSerializer(test).data)

    @extend_schema(request=SelfReportIssueSerializer, responses=SelfReportLinkSerializer)
    @action(detail=True, methods=["post"], url_path="self-report-link")
    def self_report_link(self, request, pk=None):
        """Give the person at home their self-report link (the live one, if they have it)."""
        placement = self.get_object()
        self._require("quarantine.add_selfreportlink")
        body = SelfReportIssueSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        link = self_report.do_issue_link(placement, actor=request.user, **body.validated_data)
        return Response(SelfReportLinkSerializer(link, context={"request": request}).data)

    @action(detail=True, methods=["get"])
    def eligibility(self, request, pk=None):
        check = schedule.eligibility(self.get_object(), clock.today())
        return Response(
            {"eligible": check.eligible, "reasons": [r.as_json() for r in check.reasons]}
        )

    @action(detail=False, methods=["get"])
    def today(self, request):
        day = schedule.today_schedule(self.get_queryset(), clock.today())
        return Response(
            {
                "on": day.on,
                "active": day.active,
                "checks_due": day.checks_due,
                "checks_done": day.checks_done,
                "tests_due": day.tests_due,
                "overdue": day.overdue,
                "by_county": day.by_jurisdiction,
            }
        )


class ScheduledTestViewSet(ScopedReadOnlyViewSet):
    queryset = ScheduledTest.objects.all()
    serializer_class = ScheduledTestSerializer
    filterset_class = ScheduledTestFilterSet


class MonitoringCheckViewSet(ScopedModelViewSet):
    queryset = MonitoringCheck.objects.all()
    serializer_class = MonitoringCheckSerializer
    filterset_class = MonitoringCheckFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = monitoring.do_record_check(
            data.pop("placement"), actor=self.request.user, **data
        )


class SelfReportLinkViewSet(StepActionsMixin, ScopedReadOnlyViewSet):
    """Self-report links; ``revoke`` withdraws one at once (a lost phone)."""

    step_actions = STEP_ACTIONS
    queryset = SelfReportLink.objects.all()
    serializer_class = SelfReportLinkSerializer

    @extend_schema(request=None, responses=SelfReportLinkSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        link = self.get_object()
        self._require("quarantine.change_selfreportlink")
        link = self_report.do_revoke_link(link, actor=request.user)
        return Response(self.get_serializer(link).data)


class ReleaseViewSet(ScopedReadOnlyViewSet):
    queryset = Release.objects.all()
    serializer_class = PlacementReleaseSerializer
    filterset_class = ReleaseFilterSet


class HistoryEntryViewSet(ScopedReadOnlyViewSet):
    queryset = HistoryEntry.objects.all()
    serializer_class = HistoryEntrySerializer
    filterset_class = HistoryEntryFilterSet
