from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, permissions
from rest_framework.decorators import action
from rest_framework.response import Response

from pingji.core.api.base import ScopedModelViewSet

from ..actions.households import do_create_household, do_delete_household, do_update_household
from ..actions.merge import do_merge_persons
from ..actions.persons import do_create_person, do_delete_person, do_update_person
from ..actions.reveal import do_reveal_identity
from ..actions.search import do_search_identity
from ..filtersets import HouseholdFilterSet, PersonFilterSet
from ..models import HOUSEHOLD_ORDER, Household, Person
from .serializers import (
    HouseholdSerializer,
    MergeRequestSerializer,
    PersonSerializer,
    RevealedSerializer,
    RevealRequestSerializer,
    SearchRequestSerializer,
)


class PersonViewSet(ScopedModelViewSet):
    """Persons within the caller's area. Identity numbers and phones are written plain, read masked,
    searched only by ``POST search/`` (scoped, rate-limited, recorded; never in a URL) and shown
    plain only through ``reveal``.
    """

    queryset = Person.objects.all()
    serializer_class = PersonSerializer
    filterset_class = PersonFilterSet

    def get_permissions(self):
        if self.action in ("reveal", "merge", "search"):  # POSTs checked in the action itself
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    def perform_create(self, serializer):
        serializer.instance = do_create_person(**serializer.validated_data, actor=self.request.user)

    def perform_update(self, serializer):
        serializer.instance = do_update_person(
            serializer.instance, serializer.validated_data, actor=self.request.user
        )

    def perform_destroy(self, instance):
        do_delete_person(instance, actor=self.request.user)

    @extend_schema(request=RevealRequestSerializer, responses=RevealedSerializer)
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        """The plain identity number and phone, once, with the reason recorded in the audit log."""
        person = self.get_object()
        if not request.user.has_perm("people.reveal_person"):
            raise exceptions.PermissionDenied()
        body = RevealRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = do_reveal_identity(
            person, actor=request.user, reason=body.validated_data["reason"]
        )
        response = Response({"id": person.pk, **values})
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(request=SearchRequestSerializer, responses=PersonSerializer(many=True))
    @action(detail=False, methods=["post"])
    def search(self, request):
        """Persons in your area holding this identity number or phone (masked), with a reason.

        The same empty answer whether the number is registered elsewhere or nowhere; 429 past
        ``PINGJI_SEARCH_RATE`` look-ups per user; every search is a ``people.identity_searched``
        event (the reason and the hit count, never the number).
        """
        if not request.user.has_perm("people.view_person"):
            raise exceptions.PermissionDenied()
        body = SearchRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        found = do_search_identity(actor=request.user, **body.validated_data)
        data = PersonSerializer(found, many=True, context=self.get_serializer_context()).data
        response = Response({"count": len(found), "results": data})
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(request=MergeRequestSerializer, responses={200: dict})
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        """Merge the record ``duplicate`` into this one (everything pointing at it moves here)."""
        keep = self.get_object()
        if not request.user.has_perm("people.change_person"):
            raise exceptions.PermissionDenied()
        body = MergeRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        duplicate = (
            Person.objects.restrict(request.user, "change")
            .filter(pk=body.validated_data["duplicate"])
            .first()
        )
        if duplicate is None:
            raise exceptions.ValidationError({"duplicate": [_("No such person in your area.")]})
        moved = do_merge_persons(keep, duplicate, actor=request.user)
        return Response({"id": keep.pk, "moved": moved})


class HouseholdViewSet(ScopedModelViewSet):
    queryset = Household.objects.all()
    serializer_class = HouseholdSerializer
    filterset_class = HouseholdFilterSet

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .annotate(member_count=Count("members"))
            .order_by(*HOUSEHOLD_ORDER)
        )

    def perform_create(self, serializer):
        serializer.instance = do_create_household(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = do_update_household(
            serializer.instance, serializer.validated_data, actor=self.request.user
        )

    def perform_destroy(self, instance):
        do_delete_household(instance, actor=self.request.user)
