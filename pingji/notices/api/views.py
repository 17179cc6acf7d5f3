"""Notices over the API: read-only list and detail, the files, and revocation (a step)."""

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from pingji.core.api.base import ScopedReadOnlyViewSet, StepActionsMixin

from .. import verification
from ..actions.revoking import do_revoke_notice
from ..models import Notice
from ..views import FILES
from .serializers import NoticeSerializer, RevokeSerializer


class NoticeViewSet(StepActionsMixin, ScopedReadOnlyViewSet):
    """Notices the caller sees; ``pdf``/``docx`` render one now from what it stored;
    ``POST revoke {reason}`` revokes it (``notices.change_notice``; 409 if already revoked)."""

    queryset = Notice.objects.all()
    serializer_class = NoticeSerializer
    select_related = ("superseded_by",)
    filterset_fields = ["kind", "status", "jurisdiction"]
    step_actions = ("revoke",)

    def _file(self, request, ext: str) -> HttpResponse:
        notice = self.get_object()
        content_type, render = FILES[ext]
        response = HttpResponse(
            render(notice, verification.absolute_url(notice, request)), content_type=content_type
        )
        response["Content-Disposition"] = f'attachment; filename="notice-{notice.pk}.{ext}"'
        return response

    @extend_schema(responses={200: OpenApiResponse(description="application/pdf")})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        return self._file(request, "pdf")

    @extend_schema(responses={200: OpenApiResponse(description="Word document")})
    @action(detail=True, methods=["get"])
    def docx(self, request, pk=None):
        return self._file(request, "docx")

    @extend_schema(request=RevokeSerializer, responses=NoticeSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        notice = self.get_object()
        self._require("notices.change_notice")
        body = RevokeSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        notice = do_revoke_notice(notice, request.user, body.validated_data["reason"])
        return Response(self.get_serializer(notice).data)
