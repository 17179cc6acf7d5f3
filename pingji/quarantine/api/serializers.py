from rest_framework import serializers

from pingji.geo.models import Jurisdiction
from pingji.people.models import Person
from pingji.tracing.models import Contact
from pingji.users.models import User

from ..choices import RESULTS, RegimeCategory, Symptom
from ..models import (
    HistoryEntry,
    MonitoringCheck,
    Placement,
    Release,
    Room,
    ScheduledTest,
    Site,
    SiteStaff,
)


class _Visible(serializers.PrimaryKeyRelatedField):
    """A related row the caller may see; anything else does not exist for them."""

    model: type = Person

    def get_queryset(self):
        return self.model.objects.restrict(self.context["request"].user, "view")


class _VisiblePerson(_Visible):
    model = Person


class _VisibleSite(_Visible):
    model = Site


class _VisibleRoom(_Visible):
    model = Room


class _VisibleContact(_Visible):
    model = Contact


class _VisibleJurisdiction(_Visible):
    model = Jurisdiction


class _VisiblePlacement(_Visible):
    model = Placement


class _VisibleUser(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return User.objects.filter(is_active=True)


class QuarantineSiteSerializer(serializers.ModelSerializer):
    jurisdiction = _VisibleJurisdiction()
    rooms = serializers.IntegerField(write_only=True, required=False, min_value=0, max_value=5000)

    class Meta:
        model = Site
        fields = ["id", "name", "kind", "status", "jurisdiction", "address", "phone", "rooms"]


class QuarantineRoomSerializer(serializers.ModelSerializer):
    site = _VisibleSite()

    class Meta:
        model = Room
        fields = ["id", "site", "number", "beds", "out_of_service"]


class SiteStaffSerializer(serializers.ModelSerializer):
    site = _VisibleSite()
    user = _VisibleUser()

    class Meta:
        model = SiteStaff
        fields = ["id", "site", "user", "since"]
        read_only_fields = ["since"]


class PlacementSerializer(serializers.ModelSerializer):
    person = _VisiblePerson()
    contact = _VisibleContact(required=False, allow_null=True)
    site = _VisibleSite(required=False, allow_null=True)
    room = _VisibleRoom(required=False, allow_null=True)
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


class ScheduledTestSerializer(serializers.ModelSerializer):
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


class MonitoringCheckSerializer(serializers.ModelSerializer):
    placement = _VisiblePlacement()
    symptoms = serializers.ListField(
        child=serializers.ChoiceField(choices=Symptom.choices), required=False
    )

    class Meta:
        model = MonitoringCheck
        fields = ["id", "placement", "on", "day", "temperature", "symptoms", "note", "recorded_at"]
        read_only_fields = ["day", "recorded_at"]
        extra_kwargs = {"on": {"required": False}}
        validators: list = []  # the action answers a duplicate day with its own message


class PlacementResultSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=[(r, r) for r in RESULTS])
    sampled_at = serializers.DateTimeField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class ReleaseRequestSerializer(serializers.Serializer):
    override = serializers.BooleanField(required=False, default=False)
    justification = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class PlacementTransferSerializer(serializers.Serializer):
    site = _VisibleSite()
    room = _VisibleRoom(required=False, allow_null=True)
    reason = serializers.CharField(max_length=500)


class PlacementMoveSerializer(serializers.Serializer):
    grid = serializers.CharField(max_length=15)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=500)


class PlacementReleaseSerializer(serializers.ModelSerializer):
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


class HistoryEntrySerializer(serializers.ModelSerializer):
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
