from rest_framework import serializers

from pingji.core.api.serializers import ScopedModelSerializer, ScopedSerializer
from pingji.geo.models import Jurisdiction

from ..models import Batch, Facility, Movement, Store, SupplyItem, Workforce


class SupplyItemSerializer(ScopedModelSerializer):
    class Meta:
        model = SupplyItem
        fields = ["id", "code", "name", "category", "unit"]


class StoreSerializer(ScopedModelSerializer):
    jurisdiction = serializers.PrimaryKeyRelatedField(queryset=Jurisdiction.objects.all())

    class Meta:
        model = Store
        fields = ["id", "jurisdiction", "name", "kind", "address"]
        validators: list = []  # the action's full_clean names the duplicate


class BatchSerializer(ScopedModelSerializer):
    class Meta:
        model = Batch
        fields = ["id", "jurisdiction", "store", "item", "lot", "expires_on", "quantity"]
        read_only_fields = fields


class MovementSerializer(ScopedModelSerializer):
    class Meta:
        model = Movement
        fields = [
            "id",
            "jurisdiction",
            "store",
            "item",
            "batch",
            "kind",
            "quantity",
            "delta",
            "at",
            "day",
            "counterpart",
            "reason",
            "actor",
        ]
        read_only_fields = fields


class FacilitySerializer(ScopedModelSerializer):
    jurisdiction = serializers.PrimaryKeyRelatedField(queryset=Jurisdiction.objects.all())

    class Meta:
        model = Facility
        fields = [
            "id",
            "jurisdiction",
            "name",
            "kind",
            "general_beds",
            "icu_beds",
            "daily_capacity",
            "rooms",
            "active",
        ]


class WorkforceSerializer(ScopedModelSerializer):
    jurisdiction = serializers.PrimaryKeyRelatedField(queryset=Jurisdiction.objects.all())

    class Meta:
        model = Workforce
        fields = ["id", "jurisdiction", "role", "headcount", "needed"]
        validators: list = []


class ReceiveSerializer(ScopedSerializer):
    item = serializers.PrimaryKeyRelatedField(queryset=SupplyItem.objects.all())
    lot = serializers.CharField(max_length=60)
    quantity = serializers.IntegerField()
    expires_on = serializers.DateField(required=False, allow_null=True)
    at = serializers.DateTimeField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)


class IssueSerializer(ScopedSerializer):
    item = serializers.PrimaryKeyRelatedField(queryset=SupplyItem.objects.all())
    quantity = serializers.IntegerField()
    reason = serializers.CharField(max_length=300)
    at = serializers.DateTimeField(required=False)
    batch = serializers.PrimaryKeyRelatedField(queryset=Batch.objects.all(), required=False)


class TransferSerializer(ScopedSerializer):
    item = serializers.PrimaryKeyRelatedField(queryset=SupplyItem.objects.all())
    quantity = serializers.IntegerField()
    to_store = serializers.PrimaryKeyRelatedField(queryset=Store.objects.all())
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)
    at = serializers.DateTimeField(required=False)


class ReserveRowSerializer(ScopedSerializer):
    store_id = serializers.IntegerField()
    item_id = serializers.IntegerField()
    on_hand = serializers.IntegerField()
    peak_daily_use = serializers.IntegerField()
    standard_days = serializers.IntegerField()
    reserve_days = serializers.FloatField(allow_null=True)
    under_reserve = serializers.BooleanField()
    gap = serializers.IntegerField()
