from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, permissions
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from pingji.core.access import scope_code
from pingji.core.api.base import ScopedModelViewSet, ScopedReadOnlyViewSet

from ..actions import checkpoints, measures, publishing, transitions
from ..evaluation import evaluate
from ..filtersets import (
    CheckpointFilterSet,
    EvaluationFilterSet,
    MeasureChangeFilterSet,
    MeasureFilterSet,
    RiskAreaFilterSet,
    TransitionFilterSet,
)
from ..models import (
    Checkpoint,
    CheckpointDay,
    Evaluation,
    LiftingStep,
    Measure,
    MeasureChange,
    Publication,
    RiskArea,
    Transition,
)
from .serializers import (
    CheckpointDaySerializer,
    CheckpointSerializer,
    DecisionSerializer,
    EvaluateSerializer,
    EvaluationSerializer,
    LiftingStepSerializer,
    MeasureChangeSerializer,
    MeasureProposeSerializer,
    MeasureSerializer,
    ProposeSerializer,
    PublicationSerializer,
    RiskAreaSerializer,
    TransitionSerializer,
)

READ_AND_CREATE = ["get", "post", "head", "options"]


class _StepMixin:
    """POSTs on one object that need a permission other than ``add``; checked in the action."""

    step_actions: tuple[str, ...] = ()

    def get_permissions(self):
        if self.action in self.step_actions:
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    def _body(self, request, cls):
        body = cls(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        return body.validated_data


class RiskAreaViewSet(_StepMixin, ScopedModelViewSet):
    """Risk areas in the caller's area. ``POST`` proposes a designation; ``propose`` a change."""

    queryset = RiskArea.objects.all()
    serializer_class = RiskAreaSerializer
    filterset_class = RiskAreaFilterSet
    http_method_names = READ_AND_CREATE
    step_actions = ("propose",)

    def get_queryset(self):
        return super().get_queryset().prefetch_related("places", "jurisdictions")

    def perform_create(self, serializer):
        serializer.instance = transitions.do_designate_area(
            actor=self.request.user, **serializer.validated_data
        )

    @extend_schema(request=ProposeSerializer, responses=TransitionSerializer)
    @action(detail=True, methods=["post"])
    def propose(self, request, pk=None):
        """Propose raising, stepping down (``to_level``) or lifting (empty ``to_level``)."""
        area = self.get_object()
        t = transitions.do_propose_transition(
            area, actor=request.user, **self._body(request, ProposeSerializer)
        )
        return Response(TransitionSerializer(t).data, status=201)


class TransitionViewSet(_StepMixin, ScopedReadOnlyViewSet):
    """Transitions with their frozen evidence; ``approve``/``reject`` at the required level."""

    queryset = Transition.objects.all()
    serializer_class = TransitionSerializer
    filterset_class = TransitionFilterSet
    step_actions = ("approve", "reject")

    @extend_schema(request=DecisionSerializer, responses=TransitionSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        t = transitions.do_approve_transition(
            self.get_object(), actor=request.user, **self._body(request, DecisionSerializer)
        )
        return Response(TransitionSerializer(t).data)

    @extend_schema(request=DecisionSerializer, responses=TransitionSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        note = self._body(request, DecisionSerializer).get("note", "")
        t = transitions.do_reject_transition(self.get_object(), actor=request.user, note=note)
        return Response(TransitionSerializer(t).data)


class EvaluationViewSet(_StepMixin, ScopedReadOnlyViewSet):
    """Daily evaluations; ``POST evaluations/run/`` evaluates a day on demand."""

    queryset = Evaluation.objects.all()
    serializer_class = EvaluationSerializer
    filterset_class = EvaluationFilterSet
    step_actions = ("run",)

    @extend_schema(request=EvaluateSerializer, responses=EvaluationSerializer(many=True))
    @action(detail=False, methods=["post"])
    def run(self, request):
        data = self._body(request, EvaluateSerializer)
        own = scope_code(request.user)
        within = data.get("within") or own or ""
        if own is None or not within.startswith(own):
            raise exceptions.NotFound()
        if not request.user.has_perm("areas.change_riskarea"):
            raise exceptions.PermissionDenied()
        evaluate(data["day"], within=within)
        rows = Evaluation.objects.restrict(request.user).within(within).filter(day=data["day"])
        return Response(EvaluationSerializer(rows, many=True).data)


class PublicationViewSet(ScopedModelViewSet):
    """Published lists; ``POST`` publishes the approved transitions of a jurisdiction."""

    queryset = Publication.objects.all()
    serializer_class = PublicationSerializer
    http_method_names = READ_AND_CREATE

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = publishing.do_publish(
            data["jurisdiction"],
            actor=self.request.user,
            at=data.get("published_at"),
            note=data.get("note", ""),
        )


class CheckpointViewSet(_StepMixin, ScopedModelViewSet):
    """Checkpoints; ``days`` records a day's figures, ``plan`` adds a step of the lifting plan."""

    queryset = Checkpoint.objects.all()
    serializer_class = CheckpointSerializer
    filterset_class = CheckpointFilterSet
    http_method_names = READ_AND_CREATE
    step_actions = ("days", "plan")

    def get_queryset(self):
        return super().get_queryset().prefetch_related("areas")

    def perform_create(self, serializer):
        serializer.instance = checkpoints.do_create_checkpoint(
            actor=self.request.user, **serializer.validated_data
        )

    @extend_schema(request=CheckpointDaySerializer, responses=CheckpointDaySerializer)
    @action(detail=True, methods=["post"])
    def days(self, request, pk=None):
        row = checkpoints.do_record_checkpoint_day(
            self.get_object(), actor=request.user, **self._body(request, CheckpointDaySerializer)
        )
        return Response(CheckpointDaySerializer(row).data, status=201)

    @extend_schema(request=LiftingStepSerializer, responses=LiftingStepSerializer)
    @action(detail=True, methods=["post"])
    def plan(self, request, pk=None):
        step = checkpoints.do_plan_lifting_step(
            self.get_object(), actor=request.user, **self._body(request, LiftingStepSerializer)
        )
        return Response(LiftingStepSerializer(step).data, status=201)


class CheckpointDayViewSet(ScopedReadOnlyViewSet):
    queryset = CheckpointDay.objects.all()
    serializer_class = CheckpointDaySerializer
    filterset_fields = ["checkpoint", "day"]


class LiftingStepViewSet(_StepMixin, ScopedReadOnlyViewSet):
    """Steps of checkpoints' lifting plans; ``take`` takes one when its condition holds."""

    queryset = LiftingStep.objects.all()
    serializer_class = LiftingStepSerializer
    filterset_fields = ["checkpoint"]
    step_actions = ("take",)

    @extend_schema(request=None, responses=CheckpointSerializer)
    @action(detail=True, methods=["post"])
    def take(self, request, pk=None):
        step = get_object_or_404(self.get_queryset(), pk=pk)  # DRF's: a malformed id is a 404
        checkpoint = checkpoints.do_take_lifting_step(step, actor=request.user)
        return Response(
            CheckpointSerializer(checkpoint, context=self.get_serializer_context()).data
        )


class MeasureViewSet(_StepMixin, ScopedModelViewSet):
    """Society-wide measures (docs/decisions/0047). ``POST`` proposes a designation; ``propose``
    a stricter setting, a step-down or the lifting of one in force."""

    queryset = Measure.objects.all()
    serializer_class = MeasureSerializer
    filterset_class = MeasureFilterSet
    http_method_names = READ_AND_CREATE
    step_actions = ("propose",)

    def perform_create(self, serializer):
        serializer.instance = measures.do_designate_measure(
            actor=self.request.user, **serializer.validated_data
        )

    @extend_schema(request=MeasureProposeSerializer, responses=MeasureChangeSerializer)
    @action(detail=True, methods=["post"])
    def propose(self, request, pk=None):
        change = measures.do_propose_measure_change(
            self.get_object(), actor=request.user, **self._body(request, MeasureProposeSerializer)
        )
        return Response(MeasureChangeSerializer(change).data, status=201)


class MeasureChangeViewSet(_StepMixin, ScopedReadOnlyViewSet):
    """Changes of measures with their frozen evidence; ``approve``/``reject`` at the county or
    above, by someone other than the proposer."""

    queryset = MeasureChange.objects.all()
    serializer_class = MeasureChangeSerializer
    filterset_class = MeasureChangeFilterSet
    step_actions = ("approve", "reject")

    @extend_schema(request=DecisionSerializer, responses=MeasureChangeSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        change = measures.do_approve_measure_change(
            self.get_object(), actor=request.user, **self._body(request, DecisionSerializer)
        )
        return Response(MeasureChangeSerializer(change).data)

    @extend_schema(request=DecisionSerializer, responses=MeasureChangeSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        note = self._body(request, DecisionSerializer).get("note", "")
        change = measures.do_reject_measure_change(self.get_object(), actor=request.user, note=note)
        return Response(MeasureChangeSerializer(change).data)
