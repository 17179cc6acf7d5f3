from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from pingji.cases.models import Case
from pingji.core.api.serializers import (
    ScopedModelSerializer,
    ScopedSerializer,
    UnscopedRelatedField,
)
from pingji.geo.models import Jurisdiction, Place
from pingji.people.models import Person

from ..choices import DispatchOutcome, LinkEvidence
from ..models import (
    Cluster,
    Contact,
    Dispatch,
    Exposure,
    Investigation,
    Link,
    ProposedContact,
    ReportedContact,
)


class InvestigationSerializer(ScopedModelSerializer):
    case = serializers.PrimaryKeyRelatedField(queryset=Case.objects.all())
    countdown = serializers.CharField(read_only=True)

    class Meta:
        model = Investigation
        fields = [
            "id",
            "case",
            "jurisdiction",
            "protocol",
            "status",
            "opened_at",
            "opened_by",
            "core_due_at",
            "report_due_at",
            "deadline_clause",
            "core_done_at",
            "report_done_at",
            "lookback_from",
            "lookback_clause",
            "summary",
            "countdown",
        ]
        read_only_fields = [f for f in fields if f != "case"]
        validators: list = []


class ExposureSerializer(ScopedModelSerializer):
    investigation = serializers.PrimaryKeyRelatedField(queryset=Investigation.objects.all())
    place = serializers.PrimaryKeyRelatedField(
        queryset=Place.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Exposure
        fields = [
            "id",
            "investigation",
            "jurisdiction",
            "place",
            "place_text",
            "started_at",
            "ended_at",
            "note",
        ]
        read_only_fields = ["jurisdiction"]
        validators: list = []


class ContactSerializer(ScopedModelSerializer):
    investigation = serializers.PrimaryKeyRelatedField(queryset=Investigation.objects.all())
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all())
    person_name = serializers.CharField(source="person.name", read_only=True)

    class Meta:
        model = Contact
        fields = [
            "id",
            "investigation",
            "jurisdiction",
            "person",
            "person_name",
            "tier",
            "setting",
            "last_exposure_at",
            "source",
            "accepted_by",
            "created_at",
            "note",
        ]
        read_only_fields = ["jurisdiction", "source", "accepted_by", "created_at"]
        validators: list = []


class ProposedContactSerializer(ScopedModelSerializer):
    """A proposal as the reviewer reads it. The keyed look-up hashes stay on the server (decision
    0031: a hash that leaves is an oracle for anyone holding a list of numbers); ``identified_by``
    says which of them the check-in carried.
    """

    identified_by = serializers.SerializerMethodField()

    def get_identified_by(self, obj) -> list[str]:
        return [name for name, h in (("id_number", obj.id_hash), ("phone", obj.phone_hash)) if h]

    class Meta:
        model = ProposedContact
        fields = [
            "id",
            "investigation",
            "jurisdiction",
            "exposure",
            "venue",
            "identified_by",
            "person",
            "check_in",
            "check_out",
            "overlap_start",
            "overlap_end",
            "overlap_minutes",
            "tier",
            "status",
            "reason",
            "decided_by",
            "decided_at",
            "contact",
            "job",
        ]
        read_only_fields = fields


class RejectSerializer(ScopedSerializer):
    reason = serializers.CharField(max_length=500, help_text=_("Why this person is not a contact."))


class CompleteSerializer(ScopedSerializer):
    summary = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class SearchSerializer(ScopedSerializer):
    margin_minutes = serializers.FloatField(min_value=0, max_value=120, default=0)


#: What the sending side sees of a dispatch: its status, never the receiver's work (decision 0008).
SENDER_FIELDS = (
    "id",
    "person_name",
    "sender",
    "to_region",
    "to_region_name",
    "in_province",
    "reason",
    "status",
    "sent_at",
    "due_at",
    "acknowledged_at",
    "located_at",
    "closed_at",
    "return_reason",
    "countdown",
    "view",
)


@extend_schema_field(OpenApiTypes.INT)
class DispatchSerializer(ScopedModelSerializer):
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all(), required=False)
    contact = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.all(),
        required=False,
        write_only=True,
        help_text=_("The contact to dispatch (the source)."),
    )
    person_name = serializers.CharField(
        source="shown_name",
        read_only=True,
        help_text=_("For a contact reported by particulars, the name as the sender gave it."),
    )
    reported = serializers.SerializerMethodField(
        help_text=_("The particulars of a contact reported by them (receiver only).")
    )
    # the hand-over goes to another county of the province, outside the sender's area by design
    to_jurisdiction = UnscopedRelatedField(
        queryset=Jurisdiction.objects.all(),
        required=False,
        allow_null=True,
        write_only=True,
        help_text=_("The receiving county (in the province)."),
    )
    countdown = serializers.CharField(read_only=True)
    view = serializers.SerializerMethodField(help_text=_("receiver or sender"))

    class Meta:
        model = Dispatch
        fields = [
            "id",
            "person",
            "contact",
            "person_name",
            "jurisdiction",
            "sender",
            "to_jurisdiction",
            "to_region",
            "to_region_name",
            "in_province",
            "reason",
            "source_label",
            "last_exposure_at",
            "status",
            "sent_at",
            "sent_by",
            "due_at",
            "deadline_clause",
            "acknowledged_at",
            "located_at",
            "closed_at",
            "outcome_note",
            "return_reason",
            "handled_by",
            "reported",
            "countdown",
            "view",
        ]
        read_only_fields = [
            f
            for f in fields
            if f not in ("person", "contact", "to_jurisdiction", "to_region", "reason")
        ]
        extra_kwargs = {"to_region": {"required": False}}
        validators: list = []

    def validate(self, attrs):
        if not attrs.get("person") and not attrs.get("contact"):
            raise serializers.ValidationError({"person": _("Give the person or the contact.")})
        return attrs

    def get_reported(self, obj) -> dict | None:
        """What the receiver reads to find the person (masked, as decision 0031 shows them)."""
        r = obj.reported
        if r is None:
            return None
        return {
            "name": r.name,
            "id_number_masked": r.id_number_masked,
            "phone_masked": r.phone_masked,
            "address": r.address,
            "tier": r.tier,
            "setting": r.setting,
            "last_exposure_at": serializers.DateTimeField().to_representation(r.last_exposure_at),
            "awaits_resolution": obj.awaits_resolution,
        }

    def get_view(self, obj) -> str:
        return "receiver" if obj.seen_by_receiver(self.context["request"].user) else "sender"

    def to_representation(self, obj):
        data = super().to_representation(obj)
        if data["view"] == "sender":
            data = {k: v for k, v in data.items() if k in SENDER_FIELDS}
        return data


class ReportContactSerializer(ScopedSerializer):
    """A contact living in another county, by what the investigator knows (decision 0042)."""

    name = serializers.CharField(max_length=60)
    id_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    to_region = serializers.CharField(
        max_length=6, help_text=_("The county where the person is believed to live (6 digits).")
    )
    tier = serializers.CharField(max_length=30)
    setting = serializers.CharField(max_length=12)
    last_exposure_at = serializers.DateTimeField()
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class ReportedContactSerializer(ScopedModelSerializer):
    """A contact as its investigation reported it (masked): what the sender typed, never whom the
    receiving county resolved it to (decision 0042)."""

    class Meta:
        model = ReportedContact
        fields = [
            "id",
            "investigation",
            "jurisdiction",
            "name",
            "id_number_masked",
            "phone_masked",
            "address",
            "tier",
            "setting",
            "last_exposure_at",
            "note",
            "reported_by",
            "created_at",
        ]
        read_only_fields = fields


class ResolveSerializer(ScopedSerializer):
    """The resident a reported contact is (``person``), or a grid to register them in."""

    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all(), required=False)
    grid = serializers.PrimaryKeyRelatedField(queryset=Jurisdiction.objects.all(), required=False)
    name = serializers.CharField(max_length=60, required=False, allow_blank=True)

    def validate(self, attrs):
        if bool(attrs.get("person")) == bool(attrs.get("grid")):
            raise serializers.ValidationError(
                {"person": _("Give the person, or the grid to register them in.")}
            )
        return attrs


class DispatchOutcomeSerializer(ScopedSerializer):
    outcome = serializers.ChoiceField(choices=DispatchOutcome.choices)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)
    control = serializers.DictField(
        child=serializers.IntegerField(),
        required=False,
        help_text=_('Where a controlled person is held, e.g. {"site": 3} (a quarantine site).'),
    )


class DispatchExportSerializer(ScopedSerializer):
    dispatches = serializers.ListField(child=serializers.IntegerField(), min_length=1)
    reveal_reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class LinkSerializer(ScopedModelSerializer):
    infector = serializers.PrimaryKeyRelatedField(queryset=Case.objects.all())
    infectee = serializers.PrimaryKeyRelatedField(queryset=Case.objects.all())
    cluster = serializers.PrimaryKeyRelatedField(
        queryset=Cluster.objects.all(), required=False, allow_null=True
    )
    evidence = serializers.ChoiceField(choices=LinkEvidence.choices)

    class Meta:
        model = Link
        fields = [
            "id",
            "infector",
            "infectee",
            "jurisdiction",
            "evidence",
            "setting",
            "cluster",
            "note",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["jurisdiction", "created_by", "created_at"]
        validators: list = []


class ClusterSerializer(ScopedModelSerializer):
    jurisdiction = serializers.PrimaryKeyRelatedField(queryset=Jurisdiction.objects.all())

    class Meta:
        model = Cluster
        fields = ["id", "name", "jurisdiction", "place", "setting", "description", "created_at"]
        read_only_fields = ["created_at"]
        validators: list = []
