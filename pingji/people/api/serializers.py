from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from pingji.geo.models import Jurisdiction, Place

from ..actions import REASON_MAX_LENGTH
from ..identity import normalize_id_number, normalize_phone
from ..models import Household, Person


def _normalised(value, normalise) -> str:
    if not value:
        return ""
    try:
        return normalise(value)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.messages) from exc


class PersonSerializer(serializers.ModelSerializer):
    id_number = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=40,
        help_text=_("Plain on the way in, never echoed; read id_number_masked. Blank clears it."),
    )
    phone = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=40,
        help_text=_("Mainland mobile number; read phone_masked. Blank clears it."),
    )
    household = serializers.PrimaryKeyRelatedField(
        queryset=Household.objects.all(), required=False, allow_null=True
    )
    jurisdiction = serializers.PrimaryKeyRelatedField(
        queryset=Jurisdiction.objects.all(),
        required=False,
        help_text=_("The grid of residence; taken from the household when one is given."),
    )

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "sex",
            "birth_date",
            "id_number",
            "id_number_masked",
            "phone",
            "phone_masked",
            "household",
            "jurisdiction",
            "created_at",
        ]
        read_only_fields = ["id_number_masked", "phone_masked", "created_at"]

    def validate_id_number(self, value):
        return _normalised(value, normalize_id_number)

    def validate_phone(self, value):
        return _normalised(value, normalize_phone)


class RevealRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH)


class RevealedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    id_number = serializers.CharField()
    phone = serializers.CharField()


class HouseholdSerializer(serializers.ModelSerializer):
    place = serializers.PrimaryKeyRelatedField(queryset=Place.objects.all())
    member_count = serializers.SerializerMethodField()

    class Meta:
        model = Household
        fields = ["id", "address", "place", "jurisdiction", "member_count"]
        read_only_fields = ["jurisdiction"]

    def get_member_count(self, obj) -> int:
        count = getattr(obj, "member_count", None)
        return obj.members.count() if count is None else count


class MergeRequestSerializer(serializers.Serializer):
    duplicate = serializers.IntegerField(help_text=_("The record to merge into this one."))
