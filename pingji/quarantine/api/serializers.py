from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from pingji.core import clock
from pingji.core.actions import local_date
from pingji.core.api.serializers import (
    ColleagueField,
    ScopedModelSerializer,
    ScopedSerializer,
)
from pingji.geo.models import Jurisdiction
from pingji.people.models import Person
from pingji.tracing.models import Contact

from ..actions.self_report import MAX_DAYS, path_for
from ..choices import RESULTS, RegimeCategory, Symptom, TestStatus
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


class QuarantineSiteSerializer(ScopedModelSerializer):
    jurisdiction = serializers.PrimaryKeyRelatedField(queryset=Jurisdiction.objects.all())
    rooms = serializers.IntegerField(write_only=True, required=False, min_value=0, max_value=5000)

    class Meta:
        model = Site
        fields = ["id", "name", "kind", "status", "jurisdiction", "address", "phone", "rooms"]


class QuarantineRoomSerializer(ScopedModelSerializer):
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.all())

    class Meta:
        model = Room
        fields = ["id", "site", "number", "beds", "out_of_service"]


class SiteStaffSerializer(ScopedModelSerializer):
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.all())
    user = ColleagueField()

    class Meta:
        model = SiteStaff
        fields = ["id", "site", "user", "since"]
        read_only_fields = ["since"]


class PlacementSerializer(ScopedModelSerializer):
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all())
    contact = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.all(), required=False, allow_null=True
    )
    site = serializers.PrimaryKeyRelatedField(
        queryset=Site.objects.all(), required=False, allow_null=True
    )
    room = serializers.PrimaryKeyRelatedField(
        queryset=Room.objects.all(), required=False, allow_null=True
    )
    category = serializers.ChoiceField(choices=RegimeCategory.choices, required=False)
    exposure_at = serializers.DateTimeField(write_only=True, required=False)

    class Meta:
        model = Placement
        fields = [
            "id",
            "person",
            "contact",
            "category",
            "exposure_at",
            "protocol",
            "clause",
            "exposure_on",
            "centralized_days",
            "home_quarantine_days",
            "home_monitoring_days",
            "release_test",
            "planned_release_on",
            "planned_end_on",
            "setting",
            "status",
            "site",
            "room",
            "jurisdiction",
            "home",
            "address",
            "placed_at",
            "released_at",
            "ended_at",
            "case",
            "last_check_on",
            "next_test_on",
        ]
        read_only_fields = [
            f
            for f in fields
            if f
            not in ("person", "contact", "category", "exposure_at", "site", "room", "placed_at")
        ]
        validators: list = []  # the action refuses a second placement, naming the first


class ScheduledTestSerializer(ScopedModelSerializer):
    class Meta:
        model = ScheduledTest
        fields = [
            "id",
            "placement",
            "day",
            "home_day",
            "setting",
            "due_on",
            "double_sampling",
            "scheduled",
            "status",
            "sampled_at",
            "recorded_at",
            "note",
        ]
        read_only_fields = fields


class MonitoringCheckSerializer(ScopedModelSerializer):
    placement = serializers.PrimaryKeyRelatedField(queryset=Placement.objects.all())
    symptoms = serializers.ListField(
        child=serializers.ChoiceField(choices=Symptom.choices), required=False
    )

    class Meta:
        model = MonitoringCheck
        fields = [
            *("id", "placement", "on", "day", "temperature", "symptoms", "note"),
            *("recorded_at", "source"),
        ]
        read_only_fields = ["day", "recorded_at", "source"]
        extra_kwargs = {"on": {"required": False}}
        validators: list = []  # the action answers a duplicate day with its own message


class SelfReportLinkSerializer(ScopedModelSerializer):
    """A self-report link; ``url`` only while it is live (the token is never stored)."""

    url = serializers.SerializerMethodField()

    class Meta:
        model = SelfReportLink
        fields = ["id", "placement", "issued_at", "expires_at", "revoked_at", "uses", "url"]
        read_only_fields = fields

    def get_url(self, link) -> str | None:
        request = self.context.get("request")
        if not link.live or request is None:
            return None
        return request.build_absolute_uri(path_for(link))


class SelfReportIssueSerializer(ScopedSerializer):
    """How long the link lives, if shorter than the monitoring."""

    days = serializers.IntegerField(required=False, min_value=1, max_value=MAX_DAYS)


class PlacementResultSerializer(ScopedSerializer):
    """A test result; a positive one reports a case at once, so it needs ``confirm: true``."""

    result = serializers.ChoiceField(choices=[(r, r) for r in RESULTS])
    sampled_at = serializers.DateTimeField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)
    confirm = serializers.BooleanField(
        required=False,
        default=False,
        help_text=gettext_lazy(
            "Required (true) for a positive result: it reports a case, counted today."
        ),
    )

    def validate(self, attrs):
        if attrs.get("result") == TestStatus.POSITIVE and attrs.get("confirm") is not True:
            raise serializers.ValidationError(
                {
                    "confirm": _(
                        "A positive result reports a case of the person at once, counted today "
                        "(%(day)s): send confirm: true to record it. Nothing was recorded."
                    )
                    % {"day": local_date(clock.now()).isoformat()}
                }
            )
        return attrs


class ReleaseRequestSerializer(ScopedSerializer):
    override = serializers.BooleanField(required=False, default=False)
    justification = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class PlacementTransferSerializer(ScopedSerializer):
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.all())
    room = serializers.PrimaryKeyRelatedField(
        queryset=Room.objects.all(), required=False, allow_null=True
    )
    reason = serializers.CharField(max_length=500)


class PlacementMoveSerializer(ScopedSerializer):
    grid = serializers.CharField(max_length=15)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=500)


class PlacementReleaseSerializer(ScopedModelSerializer):
    class Meta:
        model = Release
        fields = [
            "id",
            "placement",
            "site",
            "jurisdiction",
            "decided_at",
            "approved_by",
            "eligible",
            "reasons",
            "overridden",
            "justification",
            "to_jurisdiction",
            "dispatch_id",
        ]
        read_only_fields = fields


class HistoryEntrySerializer(ScopedModelSerializer):
    class Meta:
        model = HistoryEntry
        fields = [
            "id",
            "placement",
            "kind",
            "at",
            "actor",
            "from_site",
            "to_site",
            "from_jurisdiction",
            "to_jurisdiction",
            "reason",
            "payload",
        ]
        read_only_fields = fields
