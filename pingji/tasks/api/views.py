"""The task API: read through ``restrict``; every write is one of the actions.

There is no PUT/PATCH/DELETE: a task changes only through its steps (submit, verify, return,
cancel), each a POST on the task, so the API cannot bypass the rules the pages follow.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from pingji.core.api.base import ScopedViewSetMixin
from pingji.users.models import User

from ..actions.work import (
    Refused,
    do_cancel_task,
    do_create_task,
    do_return_task,
    do_submit_evidence,
    do_verify_task,
)
from ..filtersets import TaskFilterSet
from ..models import Task
from .serializers import EvidenceSerializer, NoteSerializer, TaskCreateSerializer, TaskSerializer

STEP = {"permission_classes": [permissions.IsAuthenticated], "methods": ["post"], "detail": True}


class TaskViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Task.objects.all()
    serializer_class = TaskSerializer
    filterset_class = TaskFilterSet
    #: The users a task names, of whom it shows the username only (``TaskSerializer``).
    USERS = ("assignee", "created_by", "submitted_by", "verified_by")
    select_related = ("jurisdiction", *USERS)

    def get_queryset(self):
        unread = [f.name for f in User._meta.concrete_fields if f.name not in ("id", "username")]
        return (
            super()
            .get_queryset()
            .defer("jurisdiction__boundary", *(f"{u}__{f}" for u in self.USERS for f in unread))
        )

    def handle_exception(self, exc):
        if isinstance(exc, Refused):  # visible but not theirs to act on: say why
            exc = exceptions.PermissionDenied(exc.args[0] if exc.args else None)
        return super().handle_exception(exc)

    def _done(self, task: Task, code=status.HTTP_200_OK) -> Response:
        task = self.get_queryset().get(pk=task.pk)
        return Response(TaskSerializer(task, context=self.get_serializer_context()).data, code)

    @extend_schema(request=TaskCreateSerializer, responses={201: TaskSerializer})
    def create(self, request, *args, **kwargs):
        data = TaskCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        task = do_create_task(actor=request.user, **data.validated_data)
        return self._done(task, status.HTTP_201_CREATED)

    @extend_schema(request=EvidenceSerializer, responses=TaskSerializer)
    @action(parser_classes=[MultiPartParser, FormParser, JSONParser], **STEP)
    def submit(self, request, pk=None):
        data = EvidenceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = do_submit_evidence(self.get_object(), actor=request.user, **data.validated_data)
        return self._done(task)

    @extend_schema(request=NoteSerializer, responses=TaskSerializer)
    @action(**STEP)
    def verify(self, request, pk=None):
        return self._step(do_verify_task, request)

    @extend_schema(request=NoteSerializer, responses=TaskSerializer)
    @action(url_path="return", url_name="return", **STEP)
    def return_(self, request, pk=None):
        return self._step(do_return_task, request)

    @extend_schema(request=NoteSerializer, responses=TaskSerializer)
    @action(**STEP)
    def cancel(self, request, pk=None):
        return self._step(do_cancel_task, request)

    def _step(self, do, request) -> Response:
        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._done(do(self.get_object(), actor=request.user, **data.validated_data))
