from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.decorators import action
from rest_framework.response import Response

from pingji.areas.models import MeasureChange, Transition
from pingji.core.api.base import ScopedModelViewSet, ScopedReadOnlyViewSet, StepActionsMixin

from .. import actions
from ..models import Run, Scenario
from . import serializers as s


class ScenarioViewSet(StepActionsMixin, ScopedModelViewSet):
    """Scenarios: ``POST`` creates one (checked whole, 400 with every problem); ``POST
    …/<id>/run/`` queues a run and answers it with its job."""

    queryset = Scenario.objects.all()
    serializer_class = s.ScenarioSerializer
    select_related = ("jurisdiction",)
    http_method_names = ["get", "post", "head", "options"]
    step_actions = ("run",)

    def perform_create(self, serializer):
        serializer.instance = actions.do_create_scenario(
            actor=self.request.user, **serializer.validated_data
        )

    @extend_schema(request=None, responses=s.RunListSerializer)
    @action(detail=True, methods=["post"])
    def run(self, request, pk=None):
        scenario = self.get_object()
        self._require("scenarios.add_run")
        run = actions.do_queue_run(scenario, actor=request.user)
        return Response(s.RunListSerializer(run).data, status=201)


class RunViewSet(StepActionsMixin, ScopedReadOnlyViewSet):
    """Runs with their inputs and results; ``again`` re-runs a failed one, ``attach`` freezes a
    finished one's summary into a lifting proposal's evidence."""

    queryset = Run.objects.all()
    serializer_class = s.RunSerializer
    select_related = ("scenario",)
    step_actions = ("again", "attach")

    def get_serializer_class(self):
        return s.RunListSerializer if self.action == "list" else s.RunSerializer

    @extend_schema(request=None, responses=s.RunListSerializer)
    @action(detail=True, methods=["post"])
    def again(self, request, pk=None):
        run = self.get_object()
        self._require("scenarios.add_run")
        run = actions.do_run_again(run, actor=request.user)
        return Response(s.RunListSerializer(run).data, status=202)

    @extend_schema(request=s.AttachSerializer, responses=None)
    @action(detail=True, methods=["post"])
    def attach(self, request, pk=None):
        run = self.get_object()
        body = s.AttachSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        model = Transition if body.validated_data["target"] == "transition" else MeasureChange
        proposal = model.objects.restrict(request.user).filter(pk=body.validated_data["proposal"])
        found = proposal.first()
        if found is None:
            raise exceptions.NotFound()
        try:
            actions.do_attach_run(run, found, actor=request.user)
        except PermissionDenied as exc:
            raise exceptions.NotFound() from exc
        return Response({"attached": found.pk}, status=200)
