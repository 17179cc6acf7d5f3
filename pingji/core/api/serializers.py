"""Serializers every app's API builds on, and the core's own (change log, events, jobs).

Every serializer of the API derives from ``ScopedSerializer`` or ``ScopedModelSerializer``, so a
related row the caller may not see does not exist for them: a writable relation to a scoped model
(one whose queryset has ``restrict``) is narrowed to ``restrict(caller, "view")`` when the
serializer's fields are built. Another county's person and a person that does not exist then get
the same answer (400, "does not exist"), which is what keeps an id from telling whether a row
exists elsewhere. A relation that must reach outside the caller's area (a hand-over to another
county) says so by its class, ``UnscopedRelatedField``, and its reason.
"""

from datetime import datetime
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Model
from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework.fields import Field, SkipField
from rest_framework.relations import ManyRelatedField, PKOnlyObject, RelatedField
from rest_framework.settings import api_settings

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


#: How a planned field's value is written: by its field, as a timestamp, or as the key it is.
BY_FIELD, STAMP, KEY = "field", "stamp", "key"


def _column(field: Field, columns: dict) -> tuple[str | None, str]:
    """The column of the row ``field`` copies and how it is written; no column where DRF's
    reading is needed."""
    column = columns.get(field.source_attrs[0]) if len(field.source_attrs) == 1 else None
    if column is None:
        return None, BY_FIELD
    if type(field).get_attribute is Field.get_attribute and not column.is_relation:
        return column.name, STAMP if _iso_stamp(field) else BY_FIELD
    if type(field) is serializers.PrimaryKeyRelatedField and field.pk_field is None:
        if column.many_to_one or column.one_to_one:
            return column.attname, KEY
    return None, BY_FIELD


def _iso_stamp(field: Field) -> bool:
    """Whether DRF would write the field's aware values in the current zone in ISO 8601."""
    return (
        type(field) is serializers.DateTimeField
        and settings.USE_TZ
        and not hasattr(field, "timezone")
        and str(getattr(field, "format", api_settings.DATETIME_FORMAT)).lower() == ISO_8601
    )


class ScopedSerializer(serializers.Serializer):
    """A serializer whose relations reach only what the caller sees (module docstring), and
    which writes a model row by a plan of its fields made once.

    DRF walks a generator of the readable fields for every row, reads a field as a path of
    attributes (testing each step for a mapping and a callable), and looks up the request's time
    zone again for every timestamp. A list of fifty rows of twenty fields pays that a thousand
    times, a fifth of an API list's CPU. The plan is made once per serializer (a list's child
    serves every row): the readable fields in order, and for a field that only copies one stored
    column of the row, the column, read with one ``getattr``:
    - a plain, non-relation field of the model read through DRF's own ``Field.get_attribute``,
      written by its field (``BY_FIELD``);
    - a plain ``DateTimeField`` in ISO 8601, its aware values written in the zone read once for
      the row, as ``DateTimeField.to_representation`` writes them (``STAMP``);
    - a plain ``PrimaryKeyRelatedField`` of a foreign key, the key as the row holds it, which is
      what DRF's reading of the related row's key only gives (``KEY``).

    Every other field (other relations, methods, properties, dotted sources) is read and written
    as DRF does: the output is DRF's (tested for every serializer of the API against DRF's own
    method).
    """

    def _plan(self) -> tuple[tuple[str, Field, str | None, str], ...]:
        plan = self.__dict__.get("_planned")
        if plan is None:
            model = getattr(getattr(self, "Meta", None), "model", None)
            columns = {f.name: f for f in model._meta.concrete_fields} if model else {}
            plan = self.__dict__["_planned"] = tuple(
                (field.field_name, field, *_column(field, columns))
                for field in self.fields.values()
                if not field.write_only
            )
        return plan

    def to_representation(self, instance):
        if not isinstance(instance, Model):
            return super().to_representation(instance)
        ret: dict = {}
        zone = None
        for name, field, column, how in self._plan():
            if column is not None:
                attribute = present = getattr(instance, column)
            else:
                try:
                    attribute = field.get_attribute(instance)
                except SkipField:
                    continue
                present = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            if present is None or how is KEY:
                ret[name] = present
            elif how is STAMP and isinstance(attribute, datetime) and attribute.tzinfo is not None:
                zone = zone or timezone.get_current_timezone()
                text = attribute.astimezone(zone).isoformat()
                ret[name] = text[:-6] + "Z" if text.endswith("+00:00") else text
            else:
                ret[name] = field.to_representation(attribute)
        return ret

    def get_fields(self):
        fields = super().get_fields()
        restrict_relations(fields, self.context.get("request"))
        return fields


class ScopedModelSerializer(ScopedSerializer, serializers.ModelSerializer):
    """A model serializer whose relations reach only what the caller sees, written by plan
    (``ScopedSerializer``)."""


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
