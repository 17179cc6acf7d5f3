from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from pingji.core.api.serializers import ScopedModelSerializer, ScopedSerializer
from pingji.geo.models import Jurisdiction

from ..actions.accounts import EDITABLE_FIELDS
from ..choices import Role
from ..models import AccessRefusal, User

#: What the create action takes.
CREATE_FIELDS = ("username", "role", "jurisdiction", "password", "first_name", "last_name", "phone")


class UserSerializer(ScopedModelSerializer):
    password = serializers.CharField(
        write_only=True,
        required=False,
        trim_whitespace=False,
        max_length=128,
        style={"input_type": "password"},
        help_text=_("On creation only, never echoed; later through set-password."),
    )
    role = serializers.ChoiceField(choices=Role.choices)
    jurisdiction = serializers.PrimaryKeyRelatedField(queryset=Jurisdiction.objects.all())

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "phone",
            "role",
            "jurisdiction",
            "is_active",
            "last_login",
            "date_joined",
            "password",
        ]
        read_only_fields = ["last_login", "date_joined"]

    def validate(self, attrs):
        sent = set(getattr(self, "initial_data", {}) or {})
        if self.instance is None:
            if not attrs.get("password"):
                raise serializers.ValidationError({"password": _("This field is required.")})
            if "is_active" in sent:
                raise serializers.ValidationError(
                    {"is_active": _("A new account starts active; deactivate it afterwards.")}
                )
            return {k: v for k, v in attrs.items() if k in CREATE_FIELDS}
        errors = {}
        if "username" in sent and attrs.get("username") != self.instance.username:
            errors["username"] = _("The username cannot be changed.")
        if "password" in sent:
            errors["password"] = _("Set passwords through set-password.")
        if errors:
            raise serializers.ValidationError(errors)
        return {k: v for k, v in attrs.items() if k in EDITABLE_FIELDS}


class SetPasswordSerializer(ScopedSerializer):
    password = serializers.CharField(
        write_only=True, trim_whitespace=False, max_length=128, style={"input_type": "password"}
    )


class AccessRefusalSerializer(ScopedModelSerializer):
    class Meta:
        model = AccessRefusal
        fields = [
            "id",
            "time",
            "user",
            "jurisdiction_code",
            "method",
            "path",
            "status",
            "request_id",
        ]
        read_only_fields = fields
