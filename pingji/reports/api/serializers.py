from django.urls import reverse
from rest_framework import serializers

from pingji.core.api.serializers import ScopedModelSerializer

from ..models import DailyReport


class DailyReportSerializer(ScopedModelSerializer):
    files = serializers.SerializerMethodField()

    class Meta:
        model = DailyReport
        fields = ["id", "jurisdiction", "day", "since", "generated_at", "figures", "units", "files"]
        read_only_fields = ["since", "generated_at", "figures", "units"]

    def get_files(self, report) -> dict[str, str]:
        """Download links (through ``restrict``, like the page), by format."""
        return {
            ext: reverse("reports:report_file", args=[report.pk, ext])
            for ext in ("docx", "xlsx", "html")
            if getattr(report, ext)
        }
