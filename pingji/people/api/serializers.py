from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from pingji.core import personal_data
from pingji.core.api.serializers import ScopedModelSerializer, ScopedSerializer
from pingji.geo.models import Jurisdiction, Place

from ..actions.reveal import REASON_MAX_LENGTH
from ..identity import normalize_id_number, normalize_phone
from ..models import Household, Person


def _normalised(value, normalise) -> str:
    if not value:
        return ""
    try:
        return normalise(value)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.messages) from exc


class PersonSerializer(ScopedModelSerializer):
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

    age = serializers.SerializerMethodField(
        help_text=_("Age in whole years today; birth_date is null unless you may reveal.")
    )

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "sex",
            "birth_date",
            "age",
            "id_number",
            "id_number_masked",
            "phone",
            "phone_masked",
            "household",
            "jurisdiction",
            "created_at",
        ]
        read_only_fields = ["id_number_masked", "phone_masked", "created_at"]

    def get_age(self, obj) -> int | None:
        return personal_data.age_of(obj.birth_date)

    def to_representation(self, instance):
        """The birth date is read only by holders of the reveal permission (decision 0031)."""
        data = super().to_representation(instance)
        request = self.context.get("request")
        if not personal_data.may_see_birth_date(getattr(request, "user", None)):
            data["birth_date"] = None
        return data

    def validate(self, attrs):
        """A null birth date from a reader who was shown null (no reveal permission) is the mask
        read back on a PUT, not a request to clear the date: it is dropped.
        """
        request = self.context.get("request")
        hidden = not personal_data.may_see_birth_date(getattr(request, "user", None))
        if hidden and "birth_date" in attrs and attrs["birth_date"] is None:
            del attrs["birth_date"]
        return attrs

    def validate_id_number(self, value):
        return _normalised(value, normalize_id_number)

    def validate_phone(self, value):
        return _normalised(value, normalize_phone)


class RevealRequestSerializer(ScopedSerializer):
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH)


class SearchRequestSerializer(ScopedSerializer):
    """One identity number or one phone, and why; checked by ``search.do_search_identity``."""

    id_number = serializers.CharField(required=False, allow_blank=True, max_length=40)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=REASON_MAX_LENGTH
    )


class RevealedSerializer(ScopedSerializer):
    id = serializers.IntegerField()
    id_number = serializers.CharField()
    phone = serializers.CharField()


class HouseholdSerializer(ScopedModelSerializer):
    place = serializers.PrimaryKeyRelatedField(queryset=Place.objects.all())
    member_count = serializers.SerializerMethodField()

    class Meta:
        model = Household
        fields = ["id", "address", "place", "jurisdiction", "member_count"]
        read_only_fields = ["jurisdiction"]

    def get_member_count(self, obj) -> int:
        count = getattr(obj, "member_count", None)
        return obj.members.count() if count is None else count


class MergeRequestSerializer(ScopedSerializer):
    duplicate = serializers.IntegerField(help_text=_("The record to merge into this one."))
