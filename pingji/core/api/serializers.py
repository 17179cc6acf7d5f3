"""Serializers every app's API builds on, and the core's own (change log, events, jobs).

Every serializer of the API derives from ``ScopedSerializer`` or ``ScopedModelSerializer``, so a
related row the caller may not see does not exist for them: a writable relation to a scoped model
(one whose queryset has ``restrict``) is narrowed to ``restrict(caller, "view")`` when the
serializer's fields are built. Another county's person and a person that does not exist then get
the same answer (400, "does not exist"), which is what keeps an id from telling whether a row
exists elsewhere. A relation that must reach outside the caller's area (a hand-over to another
county) says so by its class, ``UnscopedRelatedField``, and its reason.
"""

from functools import partial

from django.contrib.auth import get_user_model
from rest_framework import serializers
from rest_framework.relations import ManyRelatedField, RelatedField

from ..access import colleagues
from ..models import DomainEvent, Job, ObjectChange


class UnscopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A relation that deliberately reaches rows outside the caller's area; its declaration says
    why (e.g. the jurisdiction a contact is handed over to). Reference data without an area
    (protocols, supply items) needs no marker: its queryset has no ``restrict``."""


class ColleagueField(serializers.PrimaryKeyRelatedField):
    """An active user of the caller's area, named as a colleague (an attendee, a site's staff, a
    task's assignee): ``core.access.colleagues``."""

    def __init__(self, **kwargs):
        kwargs.pop("queryset", None)
        super().__init__(queryset=get_user_model().objects.none(), **kwargs)

    def get_queryset(self):
        return colleagues(getattr(self.context.get("request"), "user", None))


def _scoped(queryset) -> bool:
    return queryset is not None and hasattr(queryset, "restrict")


def restrict_relations(fields, request) -> None:
    """Narrow every writable relation to a scoped model in ``fields`` to what the caller sees.

    Without a request there is no caller, and nothing is visible: the fields then serve output only.
    The narrowing is asked for only when a relation is read (an id validated, choices listed), so
    a response that only shows rows pays nothing for it.
    """
    user = getattr(request, "user", None)
    for field in fields.values():
        relation = field.child_relation if isinstance(field, ManyRelatedField) else field
        if not isinstance(relation, RelatedField):
            continue
        if isinstance(relation, (UnscopedRelatedField, ColleagueField)):
            continue  # they say themselves what they reach
        if relation.read_only or not _scoped(relation.queryset):
            continue
        relation.get_queryset = partial(_visible, relation, user)  # type: ignore[method-assign]


def _visible(relation: RelatedField, user):
    """The relation's rows as declared when it is read (a serializer may set them after its fields
    are built), narrowed to what ``user`` sees."""
    rows = type(relation).get_queryset(relation)
    return rows.restrict(user, "view") if user else rows.none()


class ScopedSerializer(serializers.Serializer):
    """A serializer whose relations reach only what the caller sees (module docstring)."""

    def get_fields(self):
        fields = super().get_fields()
        restrict_relations(fields, self.context.get("request"))
        return fields


class ScopedModelSerializer(serializers.ModelSerializer):
    """A model serializer whose relations reach only what the caller sees (module docstring)."""

    def get_fields(self):
        fields = super().get_fields()
        restrict_relations(fields, self.context.get("request"))
        return fields


class ObjectChangeSerializer(ScopedModelSerializer):
    actor = serializers.StringRelatedField()
    object_type = serializers.CharField(source="content_type.model", read_only=True)

    class Meta:
        model = ObjectChange
        fields = [
            "id",
            "time",
            "actor",
            "request_id",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "jurisdiction_code",
            "before",
            "after",
        ]


class DomainEventSerializer(ScopedModelSerializer):
    """An event; its ``summary`` in the requesting user's language (``DomainEvent.text``), not in
    the language of whoever wrote it."""

    actor = serializers.StringRelatedField()
    summary = serializers.CharField(source="text", read_only=True)

    class Meta:
        model = DomainEvent
        fields = [
            "id",
            "kind",
            "time",
            "recorded_at",
            "actor",
            "request_id",
            "jurisdiction_code",
            "object_id",
            "summary",
            "payload",
        ]


class JobSerializer(ScopedModelSerializer):
    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "params",
            "status",
            "progress",
            "total",
            "percent",
            "message",
            "result",
            "error",
            "jurisdiction_code",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields
