"""Standards endpoints: the FHIR bundle of the caller's cases (export and import) and the DHIS2
aggregate export of the daily indicators."""

import json

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from pingji.cases.models import Case
from pingji.core.api.serializers import ScopedSerializer
from pingji.quarantine.models import Placement
from pingji.tracing.models import Contact

from ..actions.bundles import do_import_bundle
from ..actions.lab import do_import_lab_messages
from ..standards.dhis2 import data_value_set
from ..standards.fhir import case_bundle


def _require(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise exceptions.PermissionDenied()


class FhirCasesView(APIView):
    """``GET``: the caller's cases, contacts and placements with their persons as an R4B
    ``collection`` Bundle (no plain identity number, no look-up hash). ``POST`` (a Bundle):
    upsert the cases by identifier through the cases' actions; 400 with per-entry ``problems``
    and nothing applied otherwise."""

    parser_classes = [JSONParser]

    def get(self, request):
        _require(request, "exchange.view_externalrecord")
        user = request.user
        placements = Placement.objects.restrict(user).select_related("person", "room")
        placements = placements.order_by("pk")
        contacts = (
            Contact.objects.restrict(user).select_related("person", "investigation").order_by("pk")
        )
        bundle = case_bundle(user, Case.objects.restrict(user), placements, contacts)
        return Response(bundle)

    def post(self, request):
        _require(request, "exchange.add_externalrecord")
        outcome = do_import_bundle(json.dumps(request.data).encode(), actor=request.user)
        if not outcome.ok:
            problems = [p.as_dict() for p in outcome.problems]
            return Response({"problems": problems}, status=status.HTTP_400_BAD_REQUEST)
        counts = {"created": outcome.created, "updated": outcome.updated}
        return Response({**counts, "unchanged": outcome.unchanged})


class LabMessagesView(APIView):
    """``POST`` a Bundle of Observations (laboratory results) with their Patients: each is
    recorded on the person's placement; one with a positive result reports a case, so it is
    applied only with ``?confirm=1``. 400 with per-entry ``problems`` and nothing applied."""

    parser_classes = [JSONParser]

    def post(self, request):
        _require(request, "exchange.add_labmessage")
        confirm = request.query_params.get("confirm") in ("1", "true")
        outcome = do_import_lab_messages(
            json.dumps(request.data).encode(), actor=request.user, confirm=confirm
        )
        if not outcome.ok:
            problems = [p.as_dict() for p in outcome.problems]
            return Response({"problems": problems}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"recorded": outcome.recorded, "unchanged": outcome.unchanged})


class Dhis2QuerySerializer(ScopedSerializer):
    start = serializers.DateField()
    end = serializers.DateField()
    key = serializers.ListField(child=serializers.CharField(max_length=64), required=False)


class Dhis2View(APIView):
    """``?start=&end=[&key=…]``: the stored daily indicators of the caller's area as a DHIS2
    ``dataValueSets`` document (period ``YYYYMMDD``, orgUnit the jurisdiction code)."""

    @extend_schema(parameters=[Dhis2QuerySerializer])
    def get(self, request):
        _require(request, "analytics.view_dailyindicator")
        query = Dhis2QuerySerializer(
            data={**request.query_params.dict(), "key": request.query_params.getlist("key")}
        )
        query.is_valid(raise_exception=True)
        data = query.validated_data
        try:
            document = data_value_set(
                request.user, data["start"], data["end"], keys=data.get("key")
            )
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from None
        return Response(document)
