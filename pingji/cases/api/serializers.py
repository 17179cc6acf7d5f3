from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from pingji.core.api.serializers import ScopedModelSerializer, ScopedSerializer
from pingji.geo.models import Jurisdiction
from pingji.people.models import Person

from ..actions.course import CORRECTABLE
from ..choices import REASON_MAX_LENGTH, Classification, Outcome, ReclassificationReason, VoidReason
from ..models import Case


class CaseSerializer(ScopedModelSerializer):
    person = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.all(),
        required=False,
        help_text=_("The person's id; or give id_number (and name, jurisdiction if unknown)."),
    )
    id_number = serializers.CharField(
        write_only=True,
        required=False,
        max_length=40,
        help_text=_("Plain on the way in, never echoed; an unknown number registers the person."),
    )
    name = serializers.CharField(write_only=True, required=False, max_length=60)
    phone = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=40)
    grid = serializers.PrimaryKeyRelatedField(
        queryset=Jurisdiction.objects.all(),
        write_only=True,
        required=False,
        help_text=_("The grid to register an unknown person in."),
    )
    person_name = serializers.CharField(source="person.name", read_only=True)
    id_number_masked = serializers.CharField(source="person.id_number_masked", read_only=True)
    found_inside_control = serializers.BooleanField(read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "person",
            "id_number",
            "name",
            "phone",
            "grid",
            "person_name",
            "id_number_masked",
            "jurisdiction",
            "disease",
            "episode",
            "classification",
            "severity",
            "onset_date",
            "sampled_at",
            "reported_at",
            "channel",
            "found_inside_control",
            "origin",
            "outcome",
            "outcome_at",
            "reported_by",
            "notes",
            "created_at",
            "voided_at",
            "void_reason",
            "void_note",
        ]
        read_only_fields = [
            "jurisdiction",
            "episode",
            "outcome",
            "outcome_at",
            "reported_by",
            "created_at",
            "voided_at",
            "void_reason",
            "void_note",
        ]
        # The action checks the facts together and names the field at fault.
        extra_kwargs = {"reported_at": {"required": True}, "severity": {"required": False}}
        validators: list = []

    def validate(self, attrs):
        if "person" not in attrs and not attrs.get("id_number"):
            raise serializers.ValidationError({"person": _("Give the person or an id_number.")})
        return attrs


class CaseUpdateSerializer(ScopedModelSerializer):
    """Corrections only; classification and outcome move through their own endpoints."""

    class Meta:
        model = Case
        fields = ["id", *CORRECTABLE]


class ReclassifySerializer(ScopedSerializer):
    classification = serializers.ChoiceField(choices=Classification.choices)
    severity = serializers.CharField(required=False, allow_blank=True, max_length=10)
    onset_date = serializers.DateField(required=False, allow_null=True)
    sampled_at = serializers.DateTimeField(required=False, allow_null=True)
    at = serializers.DateTimeField()
    reason = serializers.ChoiceField(
        choices=ReclassificationReason.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Required between confirmed and asymptomatic, either way."),
    )
    reason_text = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=REASON_MAX_LENGTH
    )


class VoidSerializer(ScopedSerializer):
    """Void a case reported in error (核减)."""

    reason = serializers.ChoiceField(choices=VoidReason.choices)
    reason_text = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=REASON_MAX_LENGTH,
        help_text=_("Required when the reason is “other”."),
    )


class OutcomeSerializer(ScopedSerializer):
    outcome = serializers.ChoiceField(choices=[Outcome.RECOVERED, Outcome.DIED])
    at = serializers.DateTimeField()
