from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from pingji.cases.models import Case
from pingji.geo.models import Place
from pingji.people.models import Person

from ..models import Contact, Exposure, Investigation, ProposedContact


class _Visible(serializers.PrimaryKeyRelatedField):
    """A related row the caller may see; anything else does not exist for them."""

    model: type = Case

    def get_queryset(self):
        return self.model.objects.restrict(self.context["request"].user, "view")


class _VisibleCase(_Visible):
    model = Case


class _VisibleInvestigation(_Visible):
    model = Investigation


class _VisiblePerson(_Visible):
    model = Person


class _VisiblePlace(_Visible):
    model = Place


class InvestigationSerializer(serializers.ModelSerializer):
    case = _VisibleCase()
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


class ExposureSerializer(serializers.ModelSerializer):
    investigation = _VisibleInvestigation()
    place = _VisiblePlace(required=False, allow_null=True)

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


class ContactSerializer(serializers.ModelSerializer):
    investigation = _VisibleInvestigation()
    person = _VisiblePerson()
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


class ProposedContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProposedContact
        fields = [
            "id",
            "investigation",
            "jurisdiction",
            "exposure",
            "venue",
            "id_hash",
            "phone_hash",
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


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text=_("Why this person is not a contact."))


class CompleteSerializer(serializers.Serializer):
    summary = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class SearchSerializer(serializers.Serializer):
    margin_minutes = serializers.FloatField(min_value=0, max_value=120, default=0)
