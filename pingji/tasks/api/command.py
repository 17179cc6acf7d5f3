"""The API of the command work: directives, problem lists, plans, reviews, supervision.

Reads go through ``restrict``; the writes offered (issue a directive, import a problem list,
add a review's improvement) call the same actions as the pages. Nothing is edited in place.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from pingji.command.models import Meeting
from pingji.core import uploads
from pingji.core.access import scope_code
from pingji.core.api.base import ScopedViewSetMixin, StepActionsMixin
from pingji.core.api.serializers import ScopedModelSerializer, ScopedSerializer
from pingji.core.views.base import focus_code
from pingji.geo.models import Jurisdiction

from ..actions.directives import do_issue_directive
from ..actions.plans import do_return_plan
from ..actions.problems import do_create_problem_list
from ..actions.reviews import do_add_improvement
from ..choices import Department
from ..ledger import MAX_UPLOAD_BYTES, LedgerError, read_items
from ..models import (
    Directive,
    EvidenceFile,
    PlanTemplate,
    ProblemItem,
    ProblemList,
    Review,
    Task,
    WorkPlan,
)
from ..reviews import timeline
from ..supervision import supervise


class DirectiveListSerializer(serializers.ListSerializer):
    """A page of directives with every one's progress read in one query (``progress_of``)."""

    def to_representation(self, data):
        directives = list(data.all() if hasattr(data, "all") else data)
        self.child.context["progress"] = Directive.progress_of(directives)
        return super().to_representation(directives)


class DirectiveSerializer(ScopedModelSerializer):
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Directive
        list_serializer_class = DirectiveListSerializer
        fields = [
            "id",
            "jurisdiction",
            "meeting",
            "number",
            "title",
            "text",
            "deadline",
            "issued_at",
            "progress",
        ]
        read_only_fields = fields

    def get_progress(self, obj) -> list[dict]:
        read = self.context.get("progress", {})
        return read[obj.pk] if obj.pk in read else obj.progress()


class IssueDirectiveSerializer(ScopedSerializer):
    title = serializers.CharField(max_length=200)
    number = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    text = serializers.CharField()
    receivers = serializers.ListField(child=serializers.CharField(max_length=15), min_length=1)
    departments = serializers.ListField(
        child=serializers.ChoiceField(choices=Department.choices),
        required=False,
        default=list,
        help_text=_lazy("Send to these departments of each receiver; none: its whole government."),
    )
    deadline = serializers.DateTimeField()
    meeting = serializers.IntegerField(required=False, allow_null=True, default=None)
    jurisdiction = serializers.CharField(required=False, allow_blank=True, default="")


class ProblemItemSerializer(ScopedModelSerializer):
    status = serializers.CharField(source="task.status", read_only=True)
    is_overdue = serializers.BooleanField(source="task.is_overdue", read_only=True)

    class Meta:
        model = ProblemItem
        fields = [
            "id",
            "problem_list",
            "number",
            "jurisdiction",
            "problem",
            "measures",
            "deadline",
            "task",
            "status",
            "is_overdue",
        ]
        read_only_fields = fields


class ProblemListSerializer(ScopedModelSerializer):
    class Meta:
        model = ProblemList
        fields = ["id", "jurisdiction", "title", "inspection", "inspected_on", "created_at"]
        read_only_fields = fields


class ProblemImportSerializer(ScopedSerializer):
    title = serializers.CharField(max_length=200)
    inspection = serializers.CharField(max_length=200)
    inspected_on = serializers.DateField()
    file = serializers.FileField(validators=[uploads.size_limit(MAX_UPLOAD_BYTES)])


class PlanTemplateSerializer(ScopedModelSerializer):
    class Meta:
        model = PlanTemplate
        fields = ["id", "jurisdiction", "title", "description", "level", "sections", "due"]
        read_only_fields = fields


class WorkPlanSerializer(ScopedModelSerializer):
    missing_sections = serializers.ListField(read_only=True)

    class Meta:
        model = WorkPlan
        fields = [
            "id",
            "template",
            "jurisdiction",
            "status",
            "sections",
            "measures",
            "submitted_at",
            "missing_sections",
            "returned_reason",
            "returned_at",
        ]
        read_only_fields = fields


class ReviewSerializer(ScopedModelSerializer):
    class Meta:
        model = Review
        fields = ["id", "jurisdiction", "title", "period_start", "period_end", "worked", "gaps"]
        read_only_fields = fields


class ImprovementSerializer(ScopedSerializer):
    title = serializers.CharField(max_length=200)
    owner = serializers.CharField(max_length=15)
    deadline = serializers.DateTimeField()
    description = serializers.CharField(required=False, allow_blank=True, default="")


class EvidenceFileSerializer(ScopedModelSerializer):
    url = serializers.CharField(source="download_url", read_only=True)

    class Meta:
        model = EvidenceFile
        fields = ["id", "task", "name", "content_type", "size", "uploaded_at", "url"]
        read_only_fields = fields


def _visible(user, model, pk, message="not found"):
    found = model.objects.restrict(user).filter(pk=pk).first() if pk else None
    if pk and found is None:
        raise NotFound(message)
    return found


def _jurisdictions(user, codes) -> list[Jurisdiction]:
    """Codes → jurisdictions; an unknown code is a field error (outside ones fail in the action)."""
    found = {j.code: j for j in Jurisdiction.objects.defer("boundary").filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise DRFValidationError(
            {"receivers": [_("No jurisdiction %(code)s.") % {"code": c[:15]} for c in unknown]}
        )
    return [found[c] for c in codes]


class ReadOnly(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class DirectiveViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Directives of the caller's area; ``POST`` issues one (a task per receiver)."""

    queryset = Directive.objects.all()
    serializer_class = DirectiveSerializer

    @extend_schema(request=IssueDirectiveSerializer, responses={201: DirectiveSerializer})
    def create(self, request, *args, **kwargs):
        data = IssueDirectiveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        meeting = _visible(request.user, Meeting, values.pop("meeting"))
        code = values.pop("jurisdiction")
        issuer = Jurisdiction.objects.filter(code=code).first() if code else None
        receivers = _jurisdictions(request.user, values.pop("receivers"))
        directive = do_issue_directive(
            actor=request.user, meeting=meeting, jurisdiction=issuer, receivers=receivers, **values
        )
        return Response(DirectiveSerializer(directive).data, status=status.HTTP_201_CREATED)


class ProblemListViewSet(ReadOnly):
    """Problem lists; ``POST import/`` takes an .xlsx with per-row errors, all or nothing."""

    queryset = ProblemList.objects.all()
    serializer_class = ProblemListSerializer

    @extend_schema(request=ProblemImportSerializer, responses={201: ProblemListSerializer})
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
    def import_(self, request):
        if not request.user.has_perm("tasks.add_problemlist"):
            raise NotFound
        data = ProblemImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        issuer = Jurisdiction.objects.filter(code=focus_code(request)).first()
        if issuer is None:
            raise NotFound
        try:
            items, errors = read_items(values.pop("file"), issuer)
        except LedgerError as exc:
            raise DRFValidationError({"file": [str(exc)]}) from exc
        if errors:  # each {"row", "column", "message"}, nothing written
            return Response({"rows": errors}, status=status.HTTP_400_BAD_REQUEST)
        plist = do_create_problem_list(
            actor=request.user, jurisdiction=issuer, items=items, **values
        )
        return Response(ProblemListSerializer(plist).data, status=status.HTTP_201_CREATED)


class ProblemItemViewSet(ReadOnly):
    queryset = ProblemItem.objects.all()
    serializer_class = ProblemItemSerializer
    select_related = ("task",)


class PlanTemplateViewSet(ReadOnly):
    queryset = PlanTemplate.objects.all()
    serializer_class = PlanTemplateSerializer

    @action(detail=True, methods=["get"])
    def submissions(self, request, pk=None):
        """Every jurisdiction asked: submitted or not, and the required sections missing."""
        own = scope_code(request.user) or ""
        rows = [
            {
                "jurisdiction": r["jurisdiction"].code,
                "name": r["jurisdiction"].name,
                "plan": r["plan"].pk if r["plan"] else None,
                "submitted": r["submitted"],
                "missing": r["missing"],
            }
            for r in self.get_object().submissions()
            if r["jurisdiction"].code.startswith(own)
        ]
        return Response(rows)


class ReturnPlanSerializer(ScopedSerializer):
    reason = serializers.CharField(max_length=2000)


class WorkPlanViewSet(StepActionsMixin, ReadOnly):
    """Plans of the caller's area; ``return`` sends a submitted one back for revision."""

    step_actions = ("return_plan",)
    queryset = WorkPlan.objects.all()
    serializer_class = WorkPlanSerializer
    select_related = ("template",)

    @extend_schema(request=ReturnPlanSerializer, responses=WorkPlanSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_plan(self, request, pk=None):
        plan = self.get_object()
        self._require("tasks.return_workplan")
        body = ReturnPlanSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        done = do_return_plan(plan, actor=request.user, **body.validated_data)
        return Response(self.get_serializer(done).data)


class ReviewViewSet(ReadOnly):
    queryset = Review.objects.all()
    serializer_class = ReviewSerializer

    @action(detail=True, methods=["get"])
    def timeline(self, request, pk=None):
        """The review's days: event counts by kind and the events listed one by one."""
        days = timeline(self.get_object())
        return Response(
            [
                {
                    "date": d.date,
                    "counts": d.counts,
                    "events": [
                        {"time": e.time, "kind": e.kind, "summary": e.text} for e in d.events
                    ],
                }
                for d in days
            ]
        )

    @extend_schema(request=ImprovementSerializer)
    @action(detail=True, methods=["post"])
    def improve(self, request, pk=None):
        review = self.get_object()
        data = ImprovementSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        owner = Jurisdiction.objects.filter(code=values.pop("owner")).first()
        task = do_add_improvement(review, actor=request.user, owner=owner, **values)
        return Response({"task": task.pk}, status=status.HTTP_201_CREATED)


class EvidenceFileViewSet(ReadOnly):
    queryset = EvidenceFile.objects.all()
    serializer_class = EvidenceFileSerializer


class SupervisionView(APIView):
    """Open work below a jurisdiction (the caller's, or one inside it), aggregated."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(parameters=[OpenApiParameter("jurisdiction", str)], responses=dict)
    def get(self, request):
        own = scope_code(request.user)
        code = request.query_params.get("jurisdiction") or own or ""
        if own is None or not code.startswith(own) or not request.user.has_perm("tasks.view_task"):
            raise NotFound
        view = supervise(code, tasks=Task.objects.restrict(request.user))
        return Response(
            {
                "jurisdiction": code,
                "open": view.open,
                "overdue": view.overdue,
                "submitted": view.submitted,
                "escalated_here": view.escalated_here,
                "owners": [
                    {
                        "code": o.code,
                        "name": o.name,
                        "open": o.open,
                        "overdue": o.overdue,
                        "submitted": o.submitted,
                        "escalated": o.escalated,
                        "by_kind": o.by_kind,
                        "by_department": o.by_department,
                    }
                    for o in view.owners
                ],
                "overdue_items": [t.pk for t in view.overdue_items],
                "trend": view.trend,
                "plans": [
                    {
                        **{k: v for k, v in p.items() if k != "template"},
                        "template": p["template"].pk,
                    }
                    for p in view.plans
                ],
            }
        )
