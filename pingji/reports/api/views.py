from django.utils.translation import gettext as _
from rest_framework import exceptions

from pingji.analytics.series import today
from pingji.core.api.base import ScopedModelViewSet
from pingji.geo.models import Jurisdiction

from ..actions.daily_reports import do_generate_daily_report
from ..models import DailyReport
from .serializers import DailyReportSerializer


class DailyReportViewSet(ScopedModelViewSet):
    """Archived daily reports; ``POST {jurisdiction, day}`` generates (or regenerates) one."""

    queryset = DailyReport.objects.all()
    serializer_class = DailyReportSerializer
    select_related = ("jurisdiction",)
    http_method_names = ["get", "post", "head", "options"]
    filterset_fields = ["jurisdiction", "day"]

    def create(self, request, *args, **kwargs):
        code = str(request.data.get("jurisdiction", ""))
        if not Jurisdiction.objects.restrict(request.user).filter(code=code).exists():
            raise exceptions.NotFound()
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        day = serializer.validated_data["day"]
        if day > today():
            raise exceptions.ValidationError({"day": [_("The date is in the future.")]})
        serializer.instance = do_generate_daily_report(
            serializer.validated_data["jurisdiction"], day, actor=self.request.user
        )

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if self.action == "create":  # the unique (jurisdiction, day) means "regenerate" here
            serializer.validators = []
        return serializer
