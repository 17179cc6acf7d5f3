from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, permissions
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from pingji.core.api.base import ScopedModelViewSet, ScopedReadOnlyViewSet
from pingji.core.views.base import focus_code

from ..actions.liaison import do_raise_problem
from ..actions.registry import do_register_establishment, do_update_establishment
from ..actions.resumption import do_apply, do_decide, do_inspect, do_pause
from ..actions.surveys import do_answer_survey, do_open_survey
from ..filtersets import EstablishmentFilterSet
from ..models import (
    Alert,
    Application,
    Establishment,
    Member,
    Plan,
    Problem,
    StatusChange,
    Survey,
    SurveyReturn,
    Target,
)
from ..progress import progress
from . import serializers as s


def _step(view, request, body_class, act, obj):
    """A POST that runs one action on an object the caller sees (``change`` permission)."""
    meta = type(obj)._meta
    if not request.user.has_perm(f"{meta.app_label}.change_{meta.model_name}"):
        raise exceptions.PermissionDenied()
    body = body_class(data=request.data)
    body.is_valid(raise_exception=True)
    return act(obj, actor=request.user, **body.validated_data)


class EstablishmentViewSet(ScopedModelViewSet):
    """Establishments in the caller's area (a liaison: theirs only).

    Registered by ``POST``, corrected by ``PATCH``; the status moves through ``apply``,
    ``pause`` and the application's ``inspect``/``decide``.
    """

    queryset = Establishment.objects.all()
    serializer_class = s.EstablishmentSerializer
    filterset_class = EstablishmentFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_permissions(self):
        if self.action in ("apply", "pause"):
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    def perform_create(self, serializer):
        serializer.instance = do_register_establishment(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = do_update_establishment(
            serializer.instance, serializer.validated_data, actor=self.request.user
        )

    @extend_schema(request=s.ApplySerializer, responses=s.ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def apply(self, request, pk=None):
        """Apply to resume, declaring the checklist items of the protocol in force."""
        app = _step(self, request, s.ApplySerializer, do_apply, self.get_object())
        return Response(s.ApplicationSerializer(app).data, status=201)

    @extend_schema(request=s.PauseSerializer, responses=s.EstablishmentSerializer)
    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        est = _step(self, request, s.PauseSerializer, do_pause, self.get_object())
        return Response(s.EstablishmentSerializer(est).data)


class ApplicationViewSet(ScopedReadOnlyViewSet):
    queryset = Application.objects.all()
    serializer_class = s.ApplicationSerializer
    filterset_fields = ["establishment"]

    @extend_schema(request=s.InspectSerializer, responses=s.ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def inspect(self, request, pk=None):
        app = _step(self, request, s.InspectSerializer, do_inspect, self.get_object())
        return Response(s.ApplicationSerializer(app).data)

    @extend_schema(request=s.DecideSerializer, responses=s.ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Approve or refuse; refused while the establishment lies in a sealed/controlled area."""
        app = _step(self, request, s.DecideSerializer, do_decide, self.get_object())
        return Response(s.ApplicationSerializer(app).data)


class SurveyViewSet(ScopedModelViewSet):
    queryset = Survey.objects.all()
    serializer_class = s.SurveySerializer
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = do_open_survey(actor=self.request.user, **serializer.validated_data)


class SurveyReturnViewSet(ScopedModelViewSet):
    queryset = SurveyReturn.objects.all()
    serializer_class = s.SurveyReturnSerializer
    filterset_fields = ["survey", "establishment", "state"]
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        survey, est = data.pop("survey"), data.pop("establishment")
        visible = Establishment.objects.restrict(self.request.user)
        if (
            not visible.filter(pk=est.pk).exists()
            or not Survey.objects.restrict(self.request.user).filter(pk=survey.pk).exists()
        ):
            raise exceptions.NotFound()
        serializer.instance = do_answer_survey(survey, est, actor=self.request.user, **data)


class ProblemViewSet(ScopedModelViewSet):
    queryset = Problem.objects.all()
    serializer_class = s.ProblemSerializer
    filterset_fields = ["establishment", "category", "department"]
    select_related = ("task",)
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        est = data.pop("establishment")
        if not Establishment.objects.restrict(self.request.user).filter(pk=est.pk).exists():
            raise exceptions.NotFound()
        serializer.instance = do_raise_problem(est, actor=self.request.user, **data)


class AlertViewSet(ScopedReadOnlyViewSet):
    queryset = Alert.objects.all()
    serializer_class = s.AlertSerializer
    filterset_fields = ["establishment", "status"]


class MemberViewSet(ScopedReadOnlyViewSet):
    queryset = Member.objects.all()
    serializer_class = s.MemberSerializer
    filterset_fields = ["establishment", "role"]


class StatusChangeViewSet(ScopedReadOnlyViewSet):
    queryset = StatusChange.objects.all()
    serializer_class = s.StatusChangeSerializer
    filterset_fields = ["establishment", "status"]


class PlanViewSet(ScopedReadOnlyViewSet):
    queryset = Plan.objects.all()
    serializer_class = s.PlanSerializer


class TargetViewSet(ScopedReadOnlyViewSet):
    queryset = Target.objects.all()
    serializer_class = s.TargetSerializer


class ProgressView(APIView):
    """Resumption progress of the caller's area (or ``?code=`` below it) as JSON."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=dict)
    def get(self, request):
        code = request.query_params.get("code") or focus_code(request)
        if not code.startswith(focus_code(request)):
            raise exceptions.NotFound()
        p = progress(request.user, code)

        def line(x):
            return {
                "key": x.key,
                "label": x.label,
                "total": x.total,
                "working": x.working,
                "rate": x.rate,
                "pupils": x.pupils,
                "pupils_back": x.pupils_back,
            }

        return Response(
            {
                "code": code,
                "overall": line(p.overall),
                "units": [line(u) for u in p.units],
                "kinds": [line(k) for k in p.kinds],
                "sectors": [line(x) for x in p.sectors],
                "series": [{"day": d.isoformat(), "working": n} for d, n in p.series],
                "open_problems": p.open_problems,
                "overdue_problems": p.overdue_problems,
                "gaps": [
                    {
                        "kind": g.kind,
                        "percent": g.percent,
                        "by": g.by.isoformat(),
                        "rate": g.rate,
                        "gap": g.gap,
                    }
                    for g in p.gaps
                ],
            }
        )
