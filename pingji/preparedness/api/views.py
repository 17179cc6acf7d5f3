import datetime
from collections.abc import Callable

from django.db.models import Model
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, permissions
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from pingji.core import clock
from pingji.core.access import scope_code
from pingji.core.api.base import ScopedModelViewSet, ScopedReadOnlyViewSet, StepActionsMixin
from pingji.protocols.diseases import ensure_known

from ..actions.drills import (
    do_finish_drill,
    do_inject_case,
    do_inject_contact,
    do_plan_drill,
    do_record_drill_step,
    do_record_finding,
    do_remove_drill_data,
    do_set_drill_protocol,
    do_start_drill,
)
from ..actions.surveillance import (
    do_dismiss_alert,
    do_evaluate_warnings,
    do_record_reports,
    do_save_rule,
    do_save_site,
    do_switch_on_alert,
    do_upload_reports,
)
from ..actions.training import do_record_attendance, do_save_course
from ..models import (
    Alert,
    Attendance,
    Course,
    Drill,
    DrillFinding,
    DrillStepRecord,
    SurveillanceReport,
    SurveillanceSite,
    WarningRule,
)
from ..readiness import readiness_table
from . import serializers as s

WRITE_METHODS = ["get", "post", "patch", "head", "options"]


class _Saved(ScopedModelViewSet):
    """Creates and edits go through the app's action (``create_action``), never the serializer."""

    create_action: Callable[..., Model] | None = None
    http_method_names = WRITE_METHODS

    def perform_create(self, serializer):
        serializer.instance = type(self).create_action(
            dict(serializer.validated_data), actor=self.request.user
        )

    def perform_update(self, serializer):
        serializer.instance = type(self).create_action(
            dict(serializer.validated_data), actor=self.request.user, instance=serializer.instance
        )


def _step(view, body_class, act, out_class, status=200):
    """A POST step (``StepActionsMixin``) on one object: visible first (404), then the
    viewset's ``step_perm``, then the action with the body's fields."""
    obj = view.get_object()
    view._require(view.step_perm)
    body = body_class(data=view.request.data)
    body.is_valid(raise_exception=True)
    result = act(obj, actor=view.request.user, **body.validated_data)
    return Response(out_class(result).data, status=status)


class SiteViewSet(StepActionsMixin, _Saved):
    """Surveillance sites; ``reports`` records a site's daily counts (missing days refused)."""

    queryset = SurveillanceSite.objects.all()
    serializer_class = s.SiteSerializer
    create_action = staticmethod(do_save_site)
    step_actions = ("reports",)
    step_perm = "preparedness.add_surveillancereport"

    @extend_schema(
        request=s.ReportRowSerializer(many=True), responses=s.ReportSerializer(many=True)
    )
    @action(detail=True, methods=["post"])
    def reports(self, request, pk=None):
        site = self.get_object()
        rows = s.ReportRowSerializer(data=request.data, many=True)
        rows.is_valid(raise_exception=True)
        made = do_record_reports(
            site,
            [(r["day"], r["count"]) for r in rows.validated_data],
            source="api",
            actor=request.user,
        )
        return Response(s.ReportSerializer(made, many=True).data, status=201)


class ReportViewSet(ScopedReadOnlyViewSet):
    queryset = SurveillanceReport.objects.all()
    serializer_class = s.ReportSerializer
    filterset_fields = ["site", "day"]


class UploadView(APIView):
    """A CSV of ``site,day,count`` rows; one bad row anywhere saves nothing."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=s.UploadSerializer)
    def post(self, request):
        body = s.UploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        recorded = do_upload_reports(body.validated_data["file"], actor=request.user)
        return Response({"recorded": recorded}, 201)


class RuleViewSet(_Saved):
    """Early-warning rules; thresholds are edited with PATCH."""

    queryset = WarningRule.objects.all()
    serializer_class = s.RuleSerializer
    create_action = staticmethod(do_save_rule)


class AlertViewSet(StepActionsMixin, ScopedReadOnlyViewSet):
    """Alerts raised by the rules; ``switch`` puts the county in emergency mode."""

    queryset = Alert.objects.all()
    serializer_class = s.AlertSerializer
    step_actions = ("switch", "dismiss")
    step_perm = "preparedness.change_alert"

    @extend_schema(request=s.SwitchSerializer, responses=s.AlertSerializer)
    @action(detail=True, methods=["post"])
    def switch(self, request, pk=None):
        return _step(self, s.SwitchSerializer, do_switch_on_alert, s.AlertSerializer)

    @extend_schema(request=s.DismissSerializer, responses=s.AlertSerializer)
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        return _step(self, s.DismissSerializer, do_dismiss_alert, s.AlertSerializer)


class EvaluateView(APIView):
    """Run the early-warning rules of the caller's area on a day."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=s.EvaluateSerializer, responses=s.AlertSerializer(many=True))
    def post(self, request):
        if not request.user.has_perm("preparedness.add_alert"):
            raise exceptions.PermissionDenied()
        body = s.EvaluateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        alerts = do_evaluate_warnings(body.validated_data["day"], actor=request.user)
        return Response(s.AlertSerializer(alerts, many=True).data)


class CourseViewSet(StepActionsMixin, _Saved):
    queryset = Course.objects.all()
    serializer_class = s.CourseSerializer
    create_action = staticmethod(do_save_course)
    step_actions = ("attendance",)
    step_perm = "preparedness.add_attendance"

    @extend_schema(request=s.AttendeesSerializer, responses=s.AttendanceSerializer(many=True))
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        course = self.get_object()
        body = s.AttendeesSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rows = do_record_attendance(course, actor=request.user, **body.validated_data)
        return Response(s.AttendanceSerializer(rows, many=True).data, status=201)


class AttendanceViewSet(ScopedReadOnlyViewSet):
    queryset = Attendance.objects.all()
    serializer_class = s.AttendanceSerializer


class DrillViewSet(StepActionsMixin, ScopedModelViewSet):
    """Drills: plan (POST, with the ``protocol`` version to run under, else the one in force),
    ``protocol`` (change it before the start), then ``start``, ``inject``, ``contact`` (with a
    receiving county), ``step``, ``finish``, ``remove``."""

    queryset = Drill.objects.all()
    serializer_class = s.DrillSerializer
    http_method_names = ["get", "post", "head", "options"]
    step_actions = (
        "protocol",
        "start",
        "inject",
        "contact",
        "step",
        "finish",
        "remove",
        "finding",
    )
    step_perm = "preparedness.change_drill"

    def perform_create(self, serializer):
        serializer.instance = do_plan_drill(
            dict(serializer.validated_data), actor=self.request.user
        )

    def _at(self, request, act):
        return _step(self, s.AtSerializer, act, s.DrillSerializer)

    @extend_schema(request=s.DrillProtocolSerializer, responses=s.DrillSerializer)
    @action(detail=True, methods=["post"])
    def protocol(self, request, pk=None):
        return _step(self, s.DrillProtocolSerializer, do_set_drill_protocol, s.DrillSerializer)

    @extend_schema(request=s.AtSerializer, responses=s.DrillSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._at(request, do_start_drill)

    @extend_schema(request=s.AtSerializer)
    @action(detail=True, methods=["post"])
    def inject(self, request, pk=None):
        drill = self.get_object()
        body = s.AtSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = do_inject_case(drill, actor=request.user, **body.validated_data)
        return Response({"case": case.pk}, status=201)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def contact(self, request, pk=None):
        drill = self.get_object()
        self._require(self.step_perm)
        contact = do_inject_contact(drill, actor=request.user)
        return Response({"contact": contact.pk}, status=201)

    @extend_schema(request=s.StepBodySerializer, responses=s.DrillStepSerializer)
    @action(detail=True, methods=["post"])
    def step(self, request, pk=None):
        return _step(self, s.StepBodySerializer, do_record_drill_step, s.DrillStepSerializer, 201)

    @extend_schema(request=s.AtSerializer, responses=s.DrillSerializer)
    @action(detail=True, methods=["post"])
    def finish(self, request, pk=None):
        return self._at(request, do_finish_drill)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        drill = self.get_object()
        self._require(self.step_perm)
        return Response({"removed": do_remove_drill_data(drill, actor=request.user)})

    @extend_schema(request=s.FindingBodySerializer, responses=s.FindingSerializer)
    @action(detail=True, methods=["post"])
    def finding(self, request, pk=None):
        return _step(self, s.FindingBodySerializer, do_record_finding, s.FindingSerializer, 201)


class DrillStepViewSet(ScopedReadOnlyViewSet):
    queryset = DrillStepRecord.objects.all()
    serializer_class = s.DrillStepSerializer


class FindingViewSet(ScopedReadOnlyViewSet):
    queryset = DrillFinding.objects.all()
    serializer_class = s.FindingSerializer


class ReadinessView(APIView):
    """The readiness score of every county in the caller's area (or ``within``) on ``on``, for
    every disease or one (``disease``: its pack's reserves and its drills)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("on", str),
            OpenApiParameter("within", str),
            OpenApiParameter("disease", str),
        ],
        responses=s.ReadinessSerializer(many=True),
    )
    def get(self, request):
        own = scope_code(request.user)
        if own is None or not request.user.has_perm("preparedness.view_drill"):
            raise exceptions.NotFound()
        code = request.query_params.get("within") or own
        if not code.startswith(own):
            raise exceptions.NotFound()
        try:
            on = datetime.date.fromisoformat(request.query_params.get("on") or str(clock.today()))
        except ValueError as exc:
            raise exceptions.ValidationError({"on": "YYYY-MM-DD"}) from exc
        disease = request.query_params.get("disease") or None
        if disease is not None:
            ensure_known(disease)
        rows = readiness_table(code, on, disease)
        return Response(s.ReadinessSerializer(rows, many=True).data)
